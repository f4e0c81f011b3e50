using Marten;
using Npgsql;

namespace TokenLedger.Infrastructure;

/// <summary>
/// Appending a fact that was not decided from the stream's state (a command's request, a tick of the account clock, a
/// wallet credit from a note) still names the version it follows: the stream's version now, read in the same session.
/// Another writer appending in between makes the commit fail (<see cref="StreamConflicts"/>) instead of interleaving,
/// so every append in the ledger is at an expected version. Facts appended to the same stream later in the same session
/// join the first append and are checked with it.
/// </summary>
public static class StreamTails
{
    public static async Task AppendAtCurrentVersionAsync(this IDocumentSession session, string stream, CancellationToken ct, params object[] facts)
    {
        if (session.PendingChanges.Streams().Any(s => s.Key == stream))
        {
            session.Events.Append(stream, facts);
            return;
        }
        session.AppendAfter(stream, (await session.Events.FetchStreamStateAsync(stream, ct))?.Version, facts);
    }

    /// <summary>Appends <paramref name="facts"/> right after <paramref name="version"/>, or starts the stream when it has none (null).</summary>
    public static void AppendAfter(this IDocumentSession session, string stream, long? version, params object[] facts)
    {
        if (version is { } v) session.Events.Append(stream, v + facts.Length, facts);
        else session.Events.StartStream(stream, facts);
    }

    /// <summary>
    /// The current versions of <paramref name="streams"/> in one query (streams that do not exist are absent), read in
    /// the session's transaction: a writer that appends many streams at the versions read names them all at once
    /// instead of one round trip per stream.
    /// </summary>
    public static async Task<Dictionary<string, long>> StreamVersionsAsync(this IDocumentSession session, IReadOnlyCollection<string> streams, CancellationToken ct)
    {
        await session.BeginTransactionAsync(ct);
        await using var command = new NpgsqlCommand(
            $"select id, version from {session.DocumentStore.Options.Events.DatabaseSchemaName}.mt_streams where id = any(@ids)", session.Connection);
        command.Parameters.AddWithValue("ids", streams.ToArray());
        var versions = new Dictionary<string, long>(streams.Count, StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) versions[reader.GetString(0)] = reader.GetInt64(1);
        return versions;
    }
}
