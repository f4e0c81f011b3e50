using System.Collections.Concurrent;
using JasperFx;
using JasperFx.Events.Projections;
using Marten;
using Npgsql;
using TokenLedger.Infrastructure;
using TokenLedger.Terminal;

namespace TokenLedger.Api.Hosting;

/// <summary>
/// <c>projections rebuild</c> (JasperFx's command) with progress: each projection shard's position, as the rebuild reports
/// it to the store's shard state tracker, against the event store's last sequence at the start, with counts and rate
/// (bars on a terminal, plain lines otherwise; see TokenLedger.Terminal's <see cref="Live"/>).
/// </summary>
public static class RebuildProgress
{
    public static bool Applies(string[] args) => args is ["projections", ..] && args.Contains("rebuild");

    public static async Task<int> RunAsync(WebApplication app, string[] args)
    {
        // JasperFx's command draws its own percentage bars on Spectre's static console; only one live display can run at
        // a time, so its output is taken over (its other lines are kept) and ours, with counts and rate, is drawn instead.
        var interactive = Live.Interactive;
        var terminal = Spectre.Console.AnsiConsole.Console;
        using var output = new CommandOutput(line => Live.Line(terminal, interactive, line));
        return await Live.ProgressAsync(progress => RebuildAsync(app, args, progress), terminal: terminal);
    }

    private static async Task<int> RebuildAsync(WebApplication app, string[] args, LiveProgress progress)
    {
        var last = Math.Max(1, await LastSequenceAsync(app.Services.GetRequiredService<NpgsqlDataSource>()));
        var positions = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        using var subscription = app.Services.GetRequiredService<IDocumentStore>().Storage.Database.Tracker.Subscribe(new Positions(positions));
        var shown = new Dictionary<string, LiveTask>(StringComparer.Ordinal);
        var run = app.RunJasperFxCommands(args);
        bool finished;
        do
        {
            finished = await Task.WhenAny(run, Task.Delay(Live.Interactive ? 250 : 1000)) == run;
            foreach (var (shard, position) in positions)
            {
                if (!shown.TryGetValue(shard, out var task)) shown[shard] = task = progress.AddTask($"rebuilding {shard}", last);
                task.MaxValue = Math.Max(last, position);
                task.Value = position;
            }
        }
        while (!finished);
        foreach (var task in shown.Values) task.StopTask();
        return await run;
    }

    private static async Task<long> LastSequenceAsync(NpgsqlDataSource db)
    {
        await using var command = db.CreateCommand($"select coalesce(max(seq_id), 0) from {LedgerSchema.Name}.mt_events");
        try
        {
            return (long)(await command.ExecuteScalarAsync())!;
        }
        catch (PostgresException)
        {
            return 0; // no event table yet: the command itself reports what there is to rebuild
        }
    }

    /// <summary>The latest sequence of every projection shard (names like <c>Invoice:All</c>; the high-water agents are left out).</summary>
    private sealed class Positions(ConcurrentDictionary<string, long> positions) : IObserver<ShardState>
    {
        public void OnNext(ShardState value)
        {
            if (value.ShardName.Contains(':')) positions[value.ShardName] = value.Sequence;
        }

        public void OnCompleted()
        {
        }

        public void OnError(Exception error)
        {
        }
    }
}
