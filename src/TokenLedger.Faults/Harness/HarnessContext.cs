using System.Diagnostics;
using System.Security.Cryptography;

namespace TokenLedger.Faults.Harness;

/// <summary>
/// What every scenario shares: options, the private servers (from the environment ops/faults sets), where logs go,
/// the operator key the service instances run with, and the service processes started so far (killed at the end).
/// </summary>
public sealed class HarnessContext : IAsyncDisposable
{
    private readonly List<ServiceProcess> _services = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly object _gate = new();

    private HarnessContext(FaultOptions options, string postgres, string rabbitMq, Uri management, string stateDir)
    {
        Options = options;
        Postgres = postgres;
        RabbitMq = rabbitMq;
        Management = management;
        StateDir = stateDir;
        RunId = "f" + DateTime.UtcNow.ToString("MMddHHmmss") + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(2));
        LogDir = Path.Combine(stateDir, "logs", RunId);
        Directory.CreateDirectory(LogDir);
        AdminKey = "tl_admin_faults_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        ApiDll = options.ApiDll ?? Path.Combine(options.Repo, "src", "TokenLedger.Api", "bin", options.Configuration, "net10.0", "TokenLedger.Api.dll");
        PidFile = Path.Combine(stateDir, "service.pids");
    }

    public FaultOptions Options { get; }
    public string Postgres { get; }
    public string RabbitMq { get; }
    public Uri Management { get; }
    public string StateDir { get; }
    public string RunId { get; }
    public string LogDir { get; }
    public string AdminKey { get; }
    public string ApiDll { get; }
    public string PidFile { get; }
    public CancellationTokenSource Stopping { get; } = new();

    /// <summary>Seconds since the harness started, for the times in notes and progress lines.</summary>
    public double Now => _clock.Elapsed.TotalSeconds;

    /// <summary>
    /// Reads the private servers from the environment. Refuses to run against the project's main state dir,
    /// because the scenarios restart the servers they are given.
    /// </summary>
    public static HarnessContext? Create(FaultOptions options)
    {
        string? Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : null;
        var state = Env("TOKENLEDGER_STATE_DIR");
        var postgres = Env("TOKENLEDGER_POSTGRES");
        var rabbit = Env("TOKENLEDGER_RABBITMQ");
        var management = Env("TOKENLEDGER_RABBITMQ_MANAGEMENT");
        if (state is null || postgres is null || rabbit is null || management is null)
        {
            Console.Error.WriteLine("error: TOKENLEDGER_STATE_DIR, TOKENLEDGER_POSTGRES, TOKENLEDGER_RABBITMQ and TOKENLEDGER_RABBITMQ_MANAGEMENT " +
                                    "must name the harness's own servers: run it through ops/faults");
            return null;
        }
        var mainState = Path.GetFullPath(Path.Combine(options.Repo, ".tokenledger"));
        if (Path.GetFullPath(state).TrimEnd('/') == mainState)
        {
            Console.Error.WriteLine($"error: TOKENLEDGER_STATE_DIR is the project's main state dir ({mainState}); the harness restarts its servers, " +
                                    "so it needs private ones: run it through ops/faults");
            return null;
        }
        return new HarnessContext(options, postgres, rabbit, new Uri(management), Path.GetFullPath(state));
    }

    public void Log(string message)
    {
        // Through Live, so that on a terminal the line is written above a live progress display instead of through it.
        lock (_gate) TokenLedger.Terminal.Live.Line($"[faults {Now,7:F1}s] {message}");
    }

    /// <summary>Starts one service instance as a child process; it is killed when the harness ends if still running.</summary>
    public async Task<ServiceProcess> StartServiceAsync(string name, CancellationToken ct)
    {
        var service = ServiceProcess.Start(this, name);
        lock (_gate)
        {
            _services.Add(service);
            File.AppendAllText(PidFile, $"{service.Pid}\n");
        }
        Log($"started service {name} (pid {service.Pid}, {service.Url}, log {Path.GetRelativePath(Options.Repo, service.LogPath)})");
        await service.WaitReadyAsync(TimeSpan.FromMinutes(4), ct);
        Log($"service {name} ready after {service.StartupSeconds:F1} s");
        return service;
    }

    public async ValueTask DisposeAsync()
    {
        List<ServiceProcess> services;
        lock (_gate) services = [.. _services];
        foreach (var service in services) await service.DisposeAsync();
        try
        {
            File.Delete(PidFile);
        }
        catch (IOException)
        {
        }
    }
}
