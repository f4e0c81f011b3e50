using Marten;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace TokenLedger.Prepayment.Drawdowns;

/// <summary>
/// One row per <see cref="PrepaymentDrawnDown"/> in <c>prepayment_drawdowns</c>, written by the prepayment subscription in
/// the transaction that appends the event: which rating event's usage (of which provider) a distributor drew, and when.
/// Exposure joins it to the usage those rating events rated.
/// </summary>
public static class PrepaymentDrawdowns
{
    public const string TableName = "prepayment_drawdowns";

    public static Table Table(string schema)
    {
        var table = new Table(new PostgresqlObjectName(schema, TableName, SchemaUtils.IdentifierUsage.General));
        table.AddColumn<Guid>("rated_by").AsPrimaryKey();
        table.AddColumn<string>("distributor_id").AsPrimaryKey();
        table.AddColumn<string>("usage_provider").AsPrimaryKey();
        table.AddColumn<string>("account_provider").NotNull();
        table.AddColumn("amount", "numeric").NotNull();
        table.AddColumn("covered", "numeric").NotNull();
        table.AddColumn("rated_at", "timestamptz").NotNull();
        table.Indexes.Add(new IndexDefinition("ix_prepayment_drawdowns_distributor") { Columns = ["distributor_id", "rated_at"] });
        return table;
    }

    public static void Record(IDocumentOperations operations, string schema, PrepaymentDrawnDown e) =>
        operations.QueueSqlCommand(
            $"insert into {schema}.{TableName} (rated_by, distributor_id, usage_provider, account_provider, amount, covered, rated_at) " +
            "values (?, ?, ?, ?, ?, ?, ?)",
            e.RatedBy, e.DistributorId, e.UsageProvider, e.Provider, e.Amount, e.Covered, e.RatedAt.ToDateTimeOffset());
}
