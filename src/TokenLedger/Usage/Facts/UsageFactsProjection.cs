using JasperFx.Events;
using JasperFx.Events.Projections;
using Marten;
using Marten.Events.Projections;
using TokenLedger.Pricing.RatingUsage;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace TokenLedger.Usage.Facts;

/// <summary>
/// One row per usage event in <c>usage_facts</c>: what was used (from <see cref="UsageBatchRecorded"/>) and how it was
/// rated (<see cref="UsageCharges"/>, from <see cref="UsageBatchRated"/>), so that usage and charges over any half-open
/// interval are exact aggregates, and every figure points back to its usage event id and the ledger events behind it.
/// Runs inline: the rows commit with the batch. A batch recorded and rated in one transaction is written with one
/// insert; a rating that comes later (late rating, or a rebuild page that splits the pair) updates the rows it rates.
/// </summary>
public sealed class UsageFactsProjection : EventProjection, IInlineProjection<IDocumentOperations>, IJasperFxProjection<IDocumentOperations>
{
    public const string TableName = "usage_facts";
    private static readonly string[] FactColumns =
    [
        "event_id", "tenant_id", "model", "occurred_at", "input_tokens", "cached_input_tokens", "cache_write_tokens", "output_tokens",
        "provider", "plan_id", "distributor_id", "request_id",
    ];
    private static readonly string[] FactTypes = ["text", "text", "text", "timestamptz", "bigint", "bigint", "bigint", "bigint", "text", "text", "text", "text"];

    private readonly string _schema;
    private readonly string _insertFacts;
    private readonly string _insertRated;
    private readonly string _updateRatings;

    public UsageFactsProjection(string schema)
    {
        _schema = schema;
        var table = $"{schema}.{TableName}";
        SchemaObjects.Add(Table(schema));
        SchemaObjects.Add(UsageHopCharges.Table(schema));
        Options.DeleteDataInTableOnTeardown(table);
        Options.DeleteDataInTableOnTeardown($"{schema}.{UsageHopCharges.TableName}");
        _insertFacts = Insert(table, FactColumns, FactTypes);
        _insertRated = Insert(table, [.. FactColumns, .. UsageCharges.Columns], [.. FactTypes, .. UsageCharges.ArrayTypes]);
        _updateRatings =
            $"update {table} as t set {UsageCharges.KeepRatedAssignments("t", "u")} " +
            $"from unnest(?::text[], {Arrays(UsageCharges.ArrayTypes)}) as u(event_id, {string.Join(", ", UsageCharges.Columns)}) " +
            "where t.event_id = u.event_id";
    }

    Task IInlineProjection<IDocumentOperations>.ApplyAsync(IDocumentOperations operations, IEnumerable<StreamAction> streams, CancellationToken cancellation)
    {
        WriteRows(operations, streams.SelectMany(s => s.Events).ToList());
        return Task.CompletedTask;
    }

    Task IJasperFxProjection<IDocumentOperations>.ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        WriteRows(operations, events);
        return Task.CompletedTask;
    }

    public override ValueTask ApplyAsync(IDocumentOperations operations, IEvent e, CancellationToken cancellation)
    {
        WriteRows(operations, [e]);
        return ValueTask.CompletedTask;
    }

    private void WriteRows(IDocumentOperations ops, IReadOnlyList<IEvent> events)
    {
        for (var i = 0; i < events.Count; i++)
        {
            switch (events[i])
            {
                case IEvent<UsageBatchRecorded> recorded when i + 1 < events.Count && RatedOnArrival.BatchOf(events, i + 1) is not null:
                    var rating = (IEvent<UsageBatchRated>)events[i + 1];
                    ops.QueueSqlCommand(_insertRated, [recorded.Data.BatchId, recorded.Id, .. FactArrays(recorded.Data.Records), .. UsageCharges.Arrays(rating.Id, rating.Data.Ratings)]);
                    UsageHopCharges.Record(ops, _schema, rating.Id, rating.Data.Ratings);
                    break;
                case IEvent<UsageBatchRecorded> recorded:
                    ops.QueueSqlCommand(_insertFacts, [recorded.Data.BatchId, recorded.Id, .. FactArrays(recorded.Data.Records)]);
                    break;
                case IEvent<UsageBatchRated> rated when RatedOnArrival.BatchOf(events, i) is null:
                    ops.QueueSqlCommand(_updateRatings, [rated.Data.Ratings.Select(r => r.EventId).ToArray(), .. UsageCharges.Arrays(rated.Id, rated.Data.Ratings)]);
                    UsageHopCharges.Record(ops, _schema, rated.Id, rated.Data.Ratings);
                    break;
            }
        }
    }

    private static IEnumerable<object> FactArrays(IReadOnlyList<UsageRecord> records)
    {
        yield return records.Select(r => r.EventId).ToArray();
        yield return records.Select(r => r.TenantId).ToArray();
        yield return records.Select(r => r.Model).ToArray();
        yield return records.Select(r => r.OccurredAt.ToDateTimeOffset()).ToArray();
        yield return records.Select(r => r.InputTokens).ToArray();
        yield return records.Select(r => r.CachedInputTokens).ToArray();
        yield return records.Select(r => r.CacheWriteTokens).ToArray();
        yield return records.Select(r => r.OutputTokens).ToArray();
        yield return records.Select(r => r.Provider).ToArray();
        yield return records.Select(r => r.PlanId).ToArray();
        yield return records.Select(r => r.DistributorId).ToArray();
        yield return records.Select(r => r.RequestId).ToArray();
    }

    private static string Insert(string table, IEnumerable<string> columns, IEnumerable<string> types) =>
        $"insert into {table} (batch_id, ledger_event_id, {string.Join(", ", columns)}) " +
        $"select ?, ?, u.* from unnest({Arrays(types)}) as u on conflict (event_id) do nothing";

    private static string Arrays(IEnumerable<string> types) => string.Join(", ", types.Select(t => $"?::{t}[]"));

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
        UsageCharges.AddColumns(table);
        table.Indexes.Add(new IndexDefinition("ix_usage_facts_tenant_time") { Columns = ["tenant_id", "occurred_at"] });
        return table;
    }
}
