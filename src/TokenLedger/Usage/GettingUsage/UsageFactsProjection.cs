using JasperFx.Events;
using Marten;
using Marten.Events.Daemon;
using Marten.Events.Projections;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace TokenLedger.Usage.GettingUsage;

/// <summary>
/// Unrolls each <see cref="UsageBatchRecorded"/> into one row per usage event in <c>usage_facts</c>, so that usage
/// over any half-open interval is an exact aggregate, and every figure points back to its usage event id and the
/// ledger event that carried it. Runs inline: the rows commit with the batch.
/// </summary>
public partial class UsageFactsProjection : EventProjection
{
    public const string TableName = "usage_facts";
    private readonly string _table;

    public UsageFactsProjection(string schema)
    {
        _table = $"{schema}.{TableName}";
        SchemaObjects.Add(Table(schema));
        Options.DeleteDataInTableOnTeardown(_table);
    }

    public void Project(IEvent<UsageBatchRecorded> e, IDocumentOperations ops)
    {
        var records = e.Data.Records;
        ops.QueueSqlCommand(
            $"insert into {_table} (event_id, tenant_id, model, occurred_at, input_tokens, cached_input_tokens, cache_write_tokens, " +
            "output_tokens, provider, plan_id, distributor_id, request_id, batch_id, ledger_event_id) " +
            "select u.*, ?, ? from unnest(?::text[], ?::text[], ?::text[], ?::timestamptz[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], " +
            "?::text[], ?::text[], ?::text[], ?::text[]) as u on conflict (event_id) do nothing",
            e.Data.BatchId, e.Id,
            records.Select(r => r.EventId).ToArray(),
            records.Select(r => r.TenantId).ToArray(),
            records.Select(r => r.Model).ToArray(),
            records.Select(r => r.OccurredAt.ToDateTimeOffset()).ToArray(),
            records.Select(r => r.InputTokens).ToArray(),
            records.Select(r => r.CachedInputTokens).ToArray(),
            records.Select(r => r.CacheWriteTokens).ToArray(),
            records.Select(r => r.OutputTokens).ToArray(),
            records.Select(r => r.Provider).ToArray(),
            records.Select(r => r.PlanId).ToArray(),
            records.Select(r => r.DistributorId).ToArray(),
            records.Select(r => r.RequestId).ToArray());
    }

    private static Table Table(string schema)
    {
        var table = new Table(new PostgresqlObjectName(schema, TableName, SchemaUtils.IdentifierUsage.General));
        table.AddColumn<string>("event_id").AsPrimaryKey();
        table.AddColumn<string>("tenant_id").NotNull();
        table.AddColumn<string>("model").NotNull();
        table.AddColumn("occurred_at", "timestamptz").NotNull();
        table.AddColumn<long>("input_tokens").NotNull();
        table.AddColumn<long>("cached_input_tokens").NotNull();
        table.AddColumn<long>("cache_write_tokens").NotNull();
        table.AddColumn<long>("output_tokens").NotNull();
        table.AddColumn<string>("provider");
        table.AddColumn<string>("plan_id");
        table.AddColumn<string>("distributor_id");
        table.AddColumn<string>("request_id");
        table.AddColumn<string>("batch_id").NotNull();
        table.AddColumn<Guid>("ledger_event_id").NotNull();
        table.Indexes.Add(new IndexDefinition("ix_usage_facts_tenant_time") { Columns = ["tenant_id", "occurred_at"] });
        return table;
    }
}
