using Marten;
using TokenLedger.Pricing.RatingUsage;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace TokenLedger.Usage.Facts;

/// <summary>
/// One row per usage event and distributor above its payer in <c>usage_hop_charges</c>: that party's cost and revenue
/// (the next party's cost). Written with the rating event that rated the usage's wholesale side, never by a later one.
/// </summary>
public static class UsageHopCharges
{
    public const string TableName = "usage_hop_charges";

    public static Table Table(string schema)
    {
        var table = new Table(new PostgresqlObjectName(schema, TableName, SchemaUtils.IdentifierUsage.General));
        table.AddColumn<string>("event_id").AsPrimaryKey();
        table.AddColumn<string>("party").AsPrimaryKey();
        table.AddColumn<int>("hop").NotNull();
        table.AddColumn<string>("buyer").NotNull();
        table.AddColumn("cost", "numeric").NotNull();
        table.AddColumn("revenue", "numeric").NotNull();
        table.AddColumn<string>("currency").NotNull();
        table.AddColumn<string>("basis").NotNull();
        table.AddColumn<Guid>("ledger_event_id").NotNull();
        table.Indexes.Add(new IndexDefinition("ix_usage_hop_charges_party") { Columns = ["party"] });
        return table;
    }

    public static void Record(IDocumentOperations ops, string schema, Guid ledgerEventId, IReadOnlyList<UsageRating> ratings)
    {
        var rows = ratings.Where(r => r.Wholesale.IsRated && r.Hops is { Count: > 0 })
            .SelectMany(r => r.Hops!.Select((h, i) => (r.EventId, Hop: i, h))).ToList();
        if (rows.Count == 0) return;
        ops.QueueSqlCommand(
            $"insert into {schema}.{TableName} (event_id, party, hop, buyer, cost, revenue, currency, basis, ledger_event_id) " +
            "select u.*, ?::uuid from unnest(?::text[], ?::text[], ?::int[], ?::text[], ?::numeric[], ?::numeric[], ?::text[], ?::text[]) as u(event_id) " +
            $"where exists (select 1 from {schema}.{UsageFactsProjection.TableName} f where f.event_id = u.event_id and f.{UsageCharges.WholesaleRatedBy} = ?::uuid) " +
            "on conflict (event_id, party) do nothing",
            ledgerEventId, rows.Select(r => r.EventId).ToArray(), rows.Select(r => r.h.Party).ToArray(), rows.Select(r => r.Hop).ToArray(),
            rows.Select(r => r.h.Buyer).ToArray(), rows.Select(r => r.h.Cost).ToArray(), rows.Select(r => r.h.Revenue).ToArray(),
            rows.Select(r => r.h.Currency).ToArray(), rows.Select(r => r.h.Basis).ToArray(), ledgerEventId);
    }
}
