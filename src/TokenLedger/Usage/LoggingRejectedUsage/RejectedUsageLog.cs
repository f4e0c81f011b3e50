using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Marten;
using NodaTime;
using TokenLedger.Usage.RecordingUsage;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace TokenLedger.Usage.LoggingRejectedUsage;

/// <summary>
/// The queryable record of refused usage: one row in <c>rejected_usage</c> per item refused on any channel, written in
/// the transaction that commits the rest of its group, so a refusal is logged exactly when its delivery may be
/// acknowledged. An item that carries an eventId is logged once per (eventId, text): a redelivery or a retry of the same
/// bad item counts once, like a duplicate of a good one. An item without an eventId has no identity and counts every
/// time it arrives, redeliveries included.
/// </summary>
public static partial class RejectedUsageLog
{
    public const string TableName = "rejected_usage";
    public const int MaxSampleChars = 512;
    public const int MaxReasonChars = 1000;
    public const int MaxEventIdChars = 200;

    public static Table Table(string schema)
    {
        var table = new Table(new PostgresqlObjectName(schema, TableName, SchemaUtils.IdentifierUsage.General));
        table.AddColumn<Guid>("id").AsPrimaryKey();
        table.AddColumn("received_at", "timestamptz").NotNull();
        table.AddColumn<string>("channel").NotNull();
        table.AddColumn<string>("field").NotNull();
        table.AddColumn<string>("reason").NotNull();
        table.AddColumn<string>("reason_key").NotNull();
        table.AddColumn<string>("event_id");
        table.AddColumn<int>("item_index");
        table.AddColumn<string>("sample").NotNull();
        table.AddColumn<string>("dedupe_key");
        table.Indexes.Add(new IndexDefinition("ix_rejected_usage_received_at") { Columns = ["received_at"] });
        table.Indexes.Add(new IndexDefinition("ux_rejected_usage_dedupe_key") { Columns = ["dedupe_key"], IsUnique = true });
        return table;
    }

    /// <summary>Queues one multi-row insert of every refused item of the group on the session that commits it; nothing when none was refused.</summary>
    public static void Queue(IDocumentSession session, IReadOnlyList<string> channels, IReadOnlyList<UsageOutcomes> outcomes, Instant now)
    {
        var rows = outcomes.SelectMany((outcome, i) => outcome.Rejected.Select(item => Row(item, channels[i]))).ToList();
        if (rows.Count == 0) return;
        session.QueueSqlCommand(
            $"insert into {session.DocumentStore.Options.DatabaseSchemaName}.{TableName} " +
            "(id, received_at, channel, field, reason, reason_key, event_id, item_index, sample, dedupe_key) " +
            "select u.id, ?, u.channel, u.field, u.reason, u.reason_key, u.event_id, nullif(u.item_index, -1), u.sample, u.dedupe_key " +
            "from unnest(?::uuid[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::int[], ?::text[], ?::text[]) " +
            "as u(id, channel, field, reason, reason_key, event_id, item_index, sample, dedupe_key) " +
            "on conflict (dedupe_key) do nothing",
            now.ToDateTimeOffset(),
            rows.Select(r => r.Id).ToArray(), rows.Select(r => r.Channel).ToArray(), rows.Select(r => r.Field).ToArray(),
            rows.Select(r => r.Reason).ToArray(), rows.Select(r => r.ReasonKey).ToArray(), rows.Select(r => r.EventId).ToArray(),
            rows.Select(r => r.Index ?? -1).ToArray(), rows.Select(r => r.Sample).ToArray(), rows.Select(r => r.DedupeKey).ToArray());
    }

    public sealed record RejectedRow(Guid Id, string Channel, string Field, string Reason, string ReasonKey, string? EventId, int? Index, string Sample, string? DedupeKey);

    public static RejectedRow Row(UsageItem item, string channel)
    {
        var field = item.Errors.Count == 0 ? "item" : item.Errors[0].Field;
        var reason = Clean(item.Reason, MaxReasonChars);
        var eventId = string.IsNullOrEmpty(item.EventId) ? null : Clean(item.EventId, MaxEventIdChars);
        return new RejectedRow(Guid.CreateVersion7(), channel, Clean(field, 100), reason, ReasonKey(reason), eventId, item.Index,
            Clean(item.RawText, MaxSampleChars), eventId is null ? null : DedupeKey(item.EventId!, item.RawText));
    }

    /// <summary>
    /// The reason with what varies per item taken out (numbers, quoted values), so that "message holds 1200 items" and
    /// "message holds 1500 items" count as one reason. Reasons name their fields already.
    /// </summary>
    public static string ReasonKey(string reason) => Clean(Digits().Replace(Quoted().Replace(reason, "'…'"), "#"), MaxReasonChars);

    private static string DedupeKey(string eventId, string rawText) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{eventId}\n{rawText}")));

    /// <summary>PostgreSQL text holds no NUL and no lone surrogate; cut at <paramref name="max"/> without splitting a pair.</summary>
    public static string Clean(string text, int max)
    {
        var cut = text.Length <= max ? text : text[..(char.IsHighSurrogate(text[max - 1]) ? max - 1 : max)];
        var builder = new StringBuilder(cut.Length);
        for (var i = 0; i < cut.Length; i++)
        {
            var c = cut[i];
            if (c == '\0') builder.Append('\uFFFD');
            else if (char.IsHighSurrogate(c) && i + 1 < cut.Length && char.IsLowSurrogate(cut[i + 1])) builder.Append(c).Append(cut[++i]);
            else if (char.IsSurrogate(c)) builder.Append('\uFFFD');
            else builder.Append(c);
        }
        return builder.ToString();
    }

    [GeneratedRegex("'[^']*'")]
    private static partial Regex Quoted();

    [GeneratedRegex("[0-9]+")]
    private static partial Regex Digits();
}
