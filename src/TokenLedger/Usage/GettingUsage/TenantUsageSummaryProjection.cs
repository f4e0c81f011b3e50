using Marten;
using Marten.Events.Projections;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace TokenLedger.Usage.GettingUsage;

/// <summary>
/// Inline, in the transaction that records the usage: one row per tenant id found in usage, in
/// <c>tenant_usage_summaries</c>. Each <see cref="UsageBatchRecorded"/> adds its per-tenant figures
/// (<see cref="TenantUsageSummary.Of"/>, ordered by id so that concurrent recorders lock the rows in one order) with one
/// set-based upsert. Operators use it to see usage for tenants that are not registered yet. It used to be asynchronous;
/// as such it read every batch's JSON back from the event store (about 386 bytes per usage record, 14 µs of PostgreSQL's
/// CPU per record to turn the <c>jsonb</c> into text, docs/performance.md 2026-12-07).
/// </summary>
public partial class TenantUsageSummaryProjection : EventProjection
{
    public const string ProjectionName = "TenantUsageSummaries";
    public const string TableName = "tenant_usage_summaries";
    private readonly string _table;

    public TenantUsageSummaryProjection(string schema)
    {
        Name = ProjectionName;
        _table = $"{schema}.{TableName}";
        SchemaObjects.Add(Table(schema));
        Options.DeleteDataInTableOnTeardown(_table);
    }

    public void Project(UsageBatchRecorded batch, IDocumentOperations ops)
    {
        var rows = TenantUsageSummary.Of(batch);
        if (rows.Count == 0) return;
        ops.QueueSqlCommand(
            $"insert into {_table} as t (tenant_id, events, total_tokens, first_occurred_at, last_occurred_at, last_recorded_at) " +
            "select * from unnest(?::text[], ?::bigint[], ?::bigint[], ?::timestamptz[], ?::timestamptz[], ?::timestamptz[]) " +
            "on conflict (tenant_id) do update set events = t.events + excluded.events, total_tokens = t.total_tokens + excluded.total_tokens, " +
            "first_occurred_at = least(t.first_occurred_at, excluded.first_occurred_at), " +
            "last_occurred_at = greatest(t.last_occurred_at, excluded.last_occurred_at), " +
            "last_recorded_at = greatest(t.last_recorded_at, excluded.last_recorded_at)",
            rows.Select(r => r.Id).ToArray(),
            rows.Select(r => r.Events).ToArray(),
            rows.Select(r => r.TotalTokens).ToArray(),
            rows.Select(r => r.FirstOccurredAt.ToDateTimeOffset()).ToArray(),
            rows.Select(r => r.LastOccurredAt.ToDateTimeOffset()).ToArray(),
            rows.Select(r => r.LastRecordedAt.ToDateTimeOffset()).ToArray());
    }

    private static Table Table(string schema)
    {
        var table = new Table(new PostgresqlObjectName(schema, TableName, SchemaUtils.IdentifierUsage.General));
        table.AddColumn<string>("tenant_id").AsPrimaryKey();
        table.AddColumn<long>("events").NotNull();
        table.AddColumn<long>("total_tokens").NotNull();
        table.AddColumn("first_occurred_at", "timestamptz").NotNull();
        table.AddColumn("last_occurred_at", "timestamptz").NotNull();
        table.AddColumn("last_recorded_at", "timestamptz").NotNull();
        return table;
    }
}
