using JasperFx.Events;
using Marten;
using Marten.Events.Daemon;
using Marten.Events.Projections;
using TokenLedger.Pricing.ReRatingUsage;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace TokenLedger.Usage.Facts;

/// <summary>One row per adjustment in <c>usage_charge_adjustments</c>; charges in effect = the rating columns of usage_facts + these deltas.</summary>
public partial class UsageAdjustmentsProjection : EventProjection
{
    public const string TableName = "usage_charge_adjustments";
    private readonly string _table;

    public UsageAdjustmentsProjection(string schema)
    {
        _table = $"{schema}.{TableName}";
        SchemaObjects.Add(Table(schema));
        Options.DeleteDataInTableOnTeardown(_table);
    }

    public void Project(IEvent<UsageReRated> e, IDocumentOperations ops)
    {
        var a = e.Data.Adjustments;
        ops.QueueSqlCommand(
            $"insert into {_table} (rerating_id, ledger_event_id, reason, event_id, side, previous_amount, amount, delta, price_book, version, tier, discount) " +
            "select ?, ?, ?, u.* from unnest(?::text[], ?::text[], ?::numeric[], ?::numeric[], ?::numeric[], ?::text[], ?::int[], ?::int[], ?::numeric[]) as u " +
            "on conflict (rerating_id, event_id, side) do nothing",
            e.Data.ReRatingId, e.Id, e.Data.Reason,
            a.Select(x => x.EventId).ToArray(), a.Select(x => x.Side).ToArray(),
            a.Select(x => x.PreviousAmount).ToArray(), a.Select(x => x.Current.Amount).ToArray(), a.Select(x => x.Delta).ToArray(),
            a.Select(x => x.Current.PriceBookId).ToArray(), a.Select(x => x.Current.Version).ToArray(),
            a.Select(x => x.Current.ContextTier).ToArray(), a.Select(x => x.Current.DiscountPercent).ToArray());
    }

    private static Table Table(string schema)
    {
        var table = new Table(new PostgresqlObjectName(schema, TableName, SchemaUtils.IdentifierUsage.General));
        table.AddColumn<string>("rerating_id").AsPrimaryKey();
        table.AddColumn<string>("event_id").AsPrimaryKey();
        table.AddColumn<string>("side").AsPrimaryKey();
        table.AddColumn<Guid>("ledger_event_id").NotNull();
        table.AddColumn<string>("reason").NotNull();
        foreach (var amount in new[] { "previous_amount", "amount", "delta", "discount" }) table.AddColumn(amount, "numeric").NotNull();
        table.AddColumn<string>("price_book").NotNull();
        table.AddColumn<int>("version").NotNull();
        table.AddColumn<int>("tier").NotNull();
        table.Indexes.Add(new IndexDefinition("ix_usage_charge_adjustments_event") { Columns = ["event_id"] });
        return table;
    }
}
