using System.Diagnostics;
using System.Text;
using Shouldly;
using Xunit.Abstractions;
using TokenLedger.Testing;

namespace TokenLedger.IntegrationTests.Faults;

/// <summary>
/// Runs the fault harness at reduced size (ops/faults: its own PostgreSQL and RabbitMQ, real service processes
/// killed with SIGKILL and restarted, RabbitMQ and PostgreSQL restarted mid-ingest, two instances, hostile
/// messages, a projection rebuild) and requires every scenario to end with exact totals., and the
/// late-rating-kill scenario: kill -9 right after a tenant's price-book assignment commits, restart, and every unrated
/// event is rated with no manual call (its outbox message is recovered once Wolverine ejects the dead node).
/// </summary>
public sealed class fault_harness(ITestOutputHelper output)
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(20);

    [Fact]
    public async Task the_reduced_fault_harness_ends_with_exact_totals()
    {
        var root = Repository.Root;
        var info = new ProcessStartInfo("/bin/bash")
        {
            ArgumentList =
            {
                Path.Combine(root, "ops", "faults"), "--events", "10000", "--hostile", "1000", "--kills", "3",
                "--late-rating-events", "10000",
                // poison (100,000 events with 10,000 poison messages at full size) runs in the full ops/faults only.
                "--scenarios", "kill,broker-restart,db-restart,two-instances,hostile,replay,late-rating-kill",
            },
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        // The nested builds must not inherit the test run's MSBuild or test-host settings.
        foreach (var name in info.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)
                                                              || k.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)).ToList())
            info.Environment.Remove(name);

        var text = new StringBuilder();
        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Echo(e.Data);
        process.ErrorDataReceived += (_, e) => Echo(e.Data);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var timeout = new CancellationTokenSource(Limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            await StopAsync(process);
            throw new TimeoutException($"ops/faults did not finish within {Limit.TotalMinutes} minutes");
        }
        process.WaitForExit(); // drains the redirected output

        string all;
        lock (text) all = text.ToString();
        all.ShouldContain("===== FAULT HARNESS RESULTS =====");
        process.ExitCode.ShouldBe(0, "ops/faults reports a scenario that did not end with exact totals (see the output)");

        void Echo(string? line)
        {
            if (line is null) return;
            lock (text) text.AppendLine(line);
            output.WriteLine(line);
        }
    }

    /// <summary>SIGTERM first, so that ops/faults stops its servers and service processes; SIGKILL if it lingers.</summary>
    private static async Task StopAsync(Process process)
    {
        using (var term = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", process.Id.ToString() } }))
            if (term is not null) await term.WaitForExitAsync();
        using var grace = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        try
        {
            await process.WaitForExitAsync(grace.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
        }
    }
}
