using System.Diagnostics;

namespace TokenLedger.Faults.Harness;

/// <summary>
/// Runs one of the repository's ops scripts (ops/pg-restart, ops/rabbit-restart) with the harness's environment,
/// which ops/faults set up so that they act on the harness's private servers only.
/// </summary>
public static class OpsScript
{
    public static async Task<double> RunAsync(HarnessContext context, string script, IReadOnlyList<string> args, CancellationToken ct)
    {
        var path = Path.Combine(context.Options.Repo, "ops", script);
        var info = new ProcessStartInfo("/bin/bash")
        {
            WorkingDirectory = context.Options.Repo,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(path);
        foreach (var arg in args) info.ArgumentList.Add(arg);
        context.Log($"  running ops/{script} {string.Join(' ', args)}");
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not run {path}");
        process.StandardInput.Close();
        var errors = new List<string>();
        var output = Task.WhenAll(EchoAsync(context, script, process.StandardOutput, errors), EchoAsync(context, script, process.StandardError, errors));
        await process.WaitForExitAsync(ct);
        await output;
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"ops/{script} exited with code {process.ExitCode}{(errors.Count > 0 ? $" ({errors[^1]})" : "")}");
        return watch.Elapsed.TotalSeconds;
    }

    private static async Task EchoAsync(HarnessContext context, string script, StreamReader reader, List<string> errors)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.Length == 0) continue;
            context.Log($"    {script}: {line}");
            if (line.Contains("error:", StringComparison.Ordinal)) lock (errors) errors.Add(line.Trim());
        }
    }
}
