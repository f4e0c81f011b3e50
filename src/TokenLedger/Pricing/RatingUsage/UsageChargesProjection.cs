using JasperFx.Events;
using Marten;
using Marten.Events.Daemon;
using Marten.Events.Projections;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace TokenLedger.Pricing.RatingUsage;

/// <summary>
/// One row per usage event in <c>usage_charges</c> with both sides of its rating, unrounded, and the price book
/// version, context tier and discount that produced each. A side that is already rated is never overwritten;
/// a later <see cref="UsageBatchRated"/> only fills sides that were unrated. Runs inline with the usage.
/// </summary>
public partial class UsageChargesProjection : EventProjection
{
    public const string TableName = "usage_charges";
    /// <summary>The ledger event whose rating set the retail side; the funding subscription pays each retail charge once, for that event.</summary>
    public const string RetailRatedBy = "retail_rated_by";
    /// <summary>The ledger event whose rating set the wholesale side; the prepayment subscription draws each wholesale cost once, for that event.</summary>
    public const string WholesaleRatedBy = "wholesale_rated_by";
    private static readonly string[] Sides = ["retail", "wholesale"];
    private static readonly string[] SideColumns =
        ["status", "reason", "price_book", "version", "currency", "model", "tier", "discount", "input", "cached_input", "cache_write", "output", "amount"];

    private readonly string _schema;
    private readonly string _table;
    private readonly string _upsert;

    public UsageChargesProjection(string schema)
    {
        _table = $"{schema}.{TableName}";
        _schema = schema;
        SchemaObjects.Add(Table(schema));
        SchemaObjects.Add(UsageHopCharges.Table(schema));
        Options.DeleteDataInTableOnTeardown(_table);
        Options.DeleteDataInTableOnTeardown($"{schema}.{UsageHopCharges.TableName}");
        _upsert = BuildUpsert();
    }

    public void Project(IEvent<UsageBatchRated> e, IDocumentOperations ops)
    {
        var ratings = e.Data.Ratings;
        var values = new List<object>
        {
            e.Data.BatchId, e.Id, ratings.Select(r => r.EventId).ToArray(), ratings.Select(r => r.Payer).ToArray(),
            ratings.Select(r => r.Retail.IsRated ? e.Id : (Guid?)null).ToArray(),
            ratings.Select(r => r.Wholesale.IsRated ? e.Id : (Guid?)null).ToArray(),
        };
        foreach (var side in new Func<UsageRating, SideRating>[] { r => r.Retail, r => r.Wholesale })
        {
            var sides = ratings.Select(side).ToArray();
            values.Add(sides.Select(s => s.IsRated ? "rated" : "unrated").ToArray());
            values.Add(sides.Select(s => s.UnratedReason).ToArray());
            values.Add(sides.Select(s => s.Charge?.PriceBookId).ToArray());
            values.Add(sides.Select(s => s.Charge?.Version).ToArray());
            values.Add(sides.Select(s => s.Charge?.Currency).ToArray());
            values.Add(sides.Select(s => s.Charge?.Model).ToArray());
            values.Add(sides.Select(s => s.Charge?.ContextTier).ToArray());
            values.Add(sides.Select(s => s.Charge?.DiscountPercent).ToArray());
            values.Add(sides.Select(s => s.Charge?.Input).ToArray());
            values.Add(sides.Select(s => s.Charge?.CachedInput).ToArray());
            values.Add(sides.Select(s => s.Charge?.CacheWrite).ToArray());
            values.Add(sides.Select(s => s.Charge?.Output).ToArray());
            values.Add(sides.Select(s => s.Charge?.Amount).ToArray());
        }
        ops.QueueSqlCommand(_upsert, values.ToArray());
        UsageHopCharges.Record(ops, _schema, e.Id, ratings);
    }

    private string BuildUpsert()
    {
        var sideColumns = Sides.SelectMany(side => SideColumns.Select(c => $"{side}_{c}")).ToList();
        var types = Sides.SelectMany(_ => new[] { "text", "text", "text", "int", "text", "text", "int", "numeric", "numeric", "numeric", "numeric", "numeric", "numeric" });
        var unnest = string.Join(", ", new[] { "text", "text", "uuid", "uuid" }.Concat(types).Select(t => $"?::{t}[]"));
        var keepRated = Sides.SelectMany(side => SideColumns.Select(c =>
            $"{side}_{c} = case when {TableName}.{side}_status = 'unrated' then excluded.{side}_{c} else {TableName}.{side}_{c} end")).ToList();
        keepRated.Add($"{RetailRatedBy} = case when {TableName}.retail_status = 'unrated' then excluded.{RetailRatedBy} else {TableName}.{RetailRatedBy} end");
        keepRated.Add($"{WholesaleRatedBy} = case when {TableName}.wholesale_status = 'unrated' then excluded.{WholesaleRatedBy} else {TableName}.{WholesaleRatedBy} end");
        return $"insert into {_table} (batch_id, ledger_event_id, event_id, payer, {RetailRatedBy}, {WholesaleRatedBy}, {string.Join(", ", sideColumns)}) " +
               $"select ?, ?, u.* from unnest({unnest}) as u " +
               $"on conflict (event_id) do update set {string.Join(", ", keepRated)}";
    }

    private static Table Table(string schema)
    {
        var table = new Table(new PostgresqlObjectName(schema, TableName, SchemaUtils.IdentifierUsage.General));
        table.AddColumn<string>("event_id").AsPrimaryKey();
        table.AddColumn<string>("payer").NotNull();
        table.AddColumn<string>("batch_id").NotNull();
        table.AddColumn<Guid>("ledger_event_id").NotNull();
        table.AddColumn<Guid>(RetailRatedBy);
        table.AddColumn<Guid>(WholesaleRatedBy);
        foreach (var side in Sides)
        {
            table.AddColumn($"{side}_status", "text").NotNull();
            table.AddColumn($"{side}_reason", "text");
            table.AddColumn($"{side}_price_book", "text");
            table.AddColumn($"{side}_version", "int");
            table.AddColumn($"{side}_currency", "text");
            table.AddColumn($"{side}_model", "text");
            table.AddColumn($"{side}_tier", "int");
            foreach (var amount in new[] { "discount", "input", "cached_input", "cache_write", "output", "amount" })
                table.AddColumn($"{side}_{amount}", "numeric");
        }
        table.Indexes.Add(new IndexDefinition("ix_usage_charges_unrated")
        {
            Columns = ["event_id"],
            Predicate = "retail_status = 'unrated' or wholesale_status = 'unrated'",
        });
        // The operator's unrated view counts each side's reasons from these alone (index-only scans).
        foreach (var side in Sides)
            table.Indexes.Add(new IndexDefinition($"ix_usage_charges_unrated_{side}_reason") { Columns = [$"{side}_reason"], Predicate = $"{side}_status = 'unrated'" });
        return table;
    }
}
