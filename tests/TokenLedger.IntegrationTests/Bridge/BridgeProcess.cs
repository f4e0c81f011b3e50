using System.Diagnostics;
using System.Text;
using System.Text.Json;
using TokenLedger.IntegrationTests.Fixtures;
using TokenLedger.Testing;
using Xunit.Abstractions;

namespace TokenLedger.IntegrationTests.Bridge;

/// <summary>ops/bridge-new-api as an operator runs it: a real node process, its progress echoed to the test output.</summary>
public sealed class BridgeProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly ITestOutputHelper _output;

    private BridgeProcess(Process process, ITestOutputHelper output)
    {
        _process = process;
        _output = output;
    }

    public int Id => _process.Id;
    public bool HasExited => _process.HasExited;

    public static BridgeProcess Start(ITestOutputHelper output, params string[] args)
    {
        var info = new ProcessStartInfo("/bin/bash")
        {
            WorkingDirectory = Repository.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(Repository.Root, "ops", "bridge-new-api"));
        foreach (var arg in args) info.ArgumentList.Add(arg);
        // The rows are dated by the tests' clock: the bridge judges a gap's age by it, not by the database's wall clock.
        if (!args.Contains("--help")) foreach (var arg in new[] { "--clock-start", Epoch.Utc(Epoch.Now) }) info.ArgumentList.Add(arg);
        var process = new Process { StartInfo = info };
        var bridge = new BridgeProcess(process, output);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (bridge._stdout) bridge._stdout.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) bridge.Echo(e.Data); };
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return bridge;
    }

    private void Echo(string line)
    {
        try { _output.WriteLine($"[bridge] {line}"); }
        catch (InvalidOperationException) { } // the test has already ended
    }

    /// <summary>SIGKILL: no handler runs, nothing is flushed; a crash.</summary>
    public void Crash() => _process.Kill();

    /// <summary>SIGTERM, as a service manager stops it.</summary>
    public async Task TerminateAsync()
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", _process.Id.ToString() } })!;
        await kill.WaitForExitAsync();
    }

    /// <summary>Waits for the exit; returns the exit code and the JSON summary it printed (null when it printed none).</summary>
    public async Task<(int ExitCode, JsonElement? Summary)> ExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill();
            throw new TimeoutException($"ops/bridge-new-api did not finish within {timeout}");
        }
        _process.WaitForExit(); // drains the redirected output
        string text;
        lock (_stdout) text = _stdout.ToString();
        Echo($"exit {_process.ExitCode}; stdout: {text}");
        return (_process.ExitCode, text.TrimStart().StartsWith('{') ? JsonDocument.Parse(text).RootElement.Clone() : null);
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill();
        _process.Dispose();
    }
}
