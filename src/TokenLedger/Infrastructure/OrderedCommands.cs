using System.Diagnostics;
using Marten;
using Microsoft.AspNetCore.Http;

namespace TokenLedger.Infrastructure;

/// <summary>The body of a <c>202 Accepted</c>: the command is recorded, exactly once; its Location will include it.</summary>
public sealed record CommandAccepted(string Status, string RequestId, string Detail)
{
    public static CommandAccepted For(string requestId) =>
        new("accepted", requestId, "recorded; decided in ledger order shortly: poll the Location until it includes it");
}

/// <summary>
/// Commands decided in ledger order by an asynchronous subscription (docs/writes.md): the command's fact is appended to
/// its stream once per request key (a marker document in the same transaction; a key already recorded appends nothing),
/// again on the fresh stream when another append took the version. The caller then waits, at most <see cref="Wait"/> on
/// the monotonic clock (a timeout is not a ledger fact), for the subscription to have decided it, and answers the decided
/// result, or <c>202 Accepted</c> with a <c>Location</c> to poll.
/// </summary>
public sealed class OrderedCommands(IDocumentStore store)
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(25);
    private const int Attempts = 20;

    /// <summary>Appends <paramref name="fact"/> to <paramref name="streamKey"/> with <paramref name="marker"/> (whose id is <paramref name="key"/>), unless the marker is stored already.</summary>
    public Task AppendOnceAsync<TMarker>(string key, TMarker marker, string streamKey, object fact, CancellationToken ct) where TMarker : class =>
        StreamConflicts.RetryAsync(Attempts, async () =>
        {
            await using var session = store.LightweightSession();
            if (await session.LoadAsync<TMarker>(key, ct) is not null) return true;
            session.Insert(marker);
            await session.AppendAtCurrentVersionAsync(streamKey, ct, fact);
            await session.SaveChangesAsync(ct);
            return true;
        }, ct);

    /// <summary>
    /// The subscription's state <paramref name="id"/> once it has decided every fact up to sequence <paramref name="head"/>, or null if it
    /// still lags after <see cref="Wait"/>. With no fact to decide (<paramref name="head"/> 0) there is nothing to wait for: the state as
    /// it is, null when the subscription never opened it.
    /// </summary>
    public async Task<TState?> DecidedAsync<TState>(string id, long head, Func<TState, long> decidedThrough, CancellationToken ct) where TState : class
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            await using var session = store.QuerySession();
            var state = await session.LoadAsync<TState>(id, ct);
            if (head == 0 || state is not null && decidedThrough(state) >= head) return state;
            if (waited.Elapsed > Wait) return null;
            await Task.Delay(PollEvery, ct);
        }
    }

    /// <summary>The one HTTP answer of an ordered command: <paramref name="decidedResult"/> once decided, else 202 with <paramref name="location"/>.</summary>
    public static IResult Answer<TState>(TState? decided, Func<TState, IResult> decidedResult, string location, string requestId) where TState : class =>
        decided is null ? TypedResults.Accepted(location, CommandAccepted.For(requestId)) : decidedResult(decided);
}
