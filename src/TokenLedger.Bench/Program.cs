using Spectre.Console;
using TokenLedger.Bench;
using TokenLedger.Bench.Reporting;

if (args.Contains("--help") || args.Contains("-h"))
{
    Console.WriteLine(BenchOptions.Help);
    return 0;
}

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (BenchUsageException e)
{
    Console.Error.WriteLine($"TokenLedger.Bench: {e.Message}");
    return 2;
}

// Redirected output (a log file, CI) gets wide tables instead of the 80-column default.
if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = Math.Max(AnsiConsole.Profile.Width, 120);

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

try
{
    var report = await BenchRun.RunAsync(options, cancel.Token);
    AnsiConsole.WriteLine();
    Report.Print(report);
    return report.TotalsOk ? 0 : 1;
}
catch (OperationCanceledException) when (cancel.IsCancellationRequested)
{
    Console.Error.WriteLine("TokenLedger.Bench: cancelled");
    return 130;
}
catch (Exception e)
{
    Console.Error.WriteLine($"TokenLedger.Bench: the run failed: {e}");
    return 2;
}
