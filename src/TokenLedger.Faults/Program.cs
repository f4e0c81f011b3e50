using TokenLedger.Faults;
using TokenLedger.Faults.Harness;
using TokenLedger.Faults.Reporting;
using TokenLedger.Faults.Scenarios;

// The fault harness: real service processes, real servers (the harness's own, started by ops/faults), real faults.
// Exit code 0 only if every scenario ends with exact totals.
var options = FaultOptions.Parse(args);
if (options is null) return args.Contains("--help") || args.Contains("-h") ? 0 : 2;
await using var context = HarnessContext.Create(options);
if (context is null) return 2;

using var interrupt = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGINT, Stop);
using var terminate = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, Stop);

context.Log($"run {context.RunId}: scenarios {string.Join(", ", options.Scenarios)}; {options.Events} events, {options.Hostile} hostile messages, " +
            $"{options.Kills} kills; service {Path.GetRelativePath(options.Repo, context.ApiDll)}; logs in {Path.GetRelativePath(options.Repo, context.LogDir)}");
await using var probe = new LedgerProbe(context);
using var broker = new BrokerAdmin(context);
var results = new List<ScenarioResult>();
try
{
    foreach (var name in options.Scenarios)
    {
        Scenario scenario = name switch
        {
            "kill" => new KillRestartScenario(context, probe, broker),
            "broker-restart" => new BrokerRestartScenario(context, probe, broker),
            "db-restart" => new DatabaseRestartScenario(context, probe, broker),
            "two-instances" => new TwoInstancesScenario(context, probe, broker),
            "hostile" => new HostileMessagesScenario(context, probe, broker),
            "replay" => new ReplayScenario(context, probe, broker),
            "late-rating-kill" => new LateRatingKillScenario(context, probe, broker),
            "poison" => new PoisonMessagesScenario(context, probe, broker),
            _ => throw new InvalidOperationException($"unknown scenario {name}"),
        };
        results.Add(await scenario.RunAsync(context.Stopping.Token));
    }
}
catch (OperationCanceledException) when (context.Stopping.IsCancellationRequested)
{
    context.Log("interrupted: stopping the service processes");
    return 130;
}

Console.WriteLine(ResultTable.Render(results));
return results.All(r => r.Exact) ? 0 : 1;

void Stop(System.Runtime.InteropServices.PosixSignalContext signal)
{
    signal.Cancel = true;
    context.Stopping.Cancel();
}
