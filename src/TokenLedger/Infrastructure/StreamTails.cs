using Marten;

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
        if (await session.Events.FetchStreamStateAsync(stream, ct) is { } state) session.Events.Append(stream, state.Version + facts.Length, facts);
        else session.Events.StartStream(stream, facts);
    }
}
