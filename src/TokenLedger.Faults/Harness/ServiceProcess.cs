using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace TokenLedger.Faults.Harness;

/// <summary>
/// One real TokenLedger.Api process (<c>dotnet TokenLedger.Api.dll</c>) on its own port, writing its log straight to
/// a file. It can be killed with SIGKILL or stopped with SIGTERM; its resident memory is sampled while it runs.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly CancellationTokenSource _sampling = new();
    private readonly Task _sampler;
    private readonly Stopwatch _started = Stopwatch.StartNew();

    private ServiceProcess(string name, Process process, string url, string logPath)
    {
        Name = name;
        _process = process;
        Url = url;
        LogPath = logPath;
        Pid = process.Id;
        Http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(5) };
        _sampler = SampleRssAsync(_sampling.Token);
    }

    /// <summary>How long a readiness probe waits for an answer (Kubernetes' default is 1 s; this is lenient).</summary>
    public static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(5);

    public string Name { get; }
    public int Pid { get; }
    public string Url { get; }
    public string LogPath { get; }
    public HttpClient Http { get; }
    public double StartupSeconds { get; private set; }
    public long PeakRssBytes { get; private set; }
    public bool HasExited => _process.HasExited;

    /// <summary>True once the harness itself sent the process SIGTERM or SIGKILL.</summary>
    public bool StoppedByHarness { get; private set; }

    /// <summary>
    /// Why the process is gone, when the harness did not end it: a graceful shutdown it did not ask for means that
    /// something outside the harness sent a signal (for instance a broad pkill run by another user of the machine).
    /// </summary>
    public string ExitExplanation()
    {
        if (!_process.HasExited) return $"{Name} is running";
        if (StoppedByHarness) return $"{Name} was stopped by the harness";
        var log = Tail(400);
        return log.Contains("Application is shutting down", StringComparison.Ordinal)
            ? $"{Name} (pid {Pid}) shut down gracefully without the harness asking: a signal came from OUTSIDE the harness (exit code {_process.ExitCode})"
            : $"{Name} (pid {Pid}) exited by itself with code {_process.ExitCode}";
    }

    public static ServiceProcess Start(HarnessContext context, string name)
    {
        if (!File.Exists(context.ApiDll)) throw new InvalidOperationException($"{context.ApiDll} does not exist: build TokenLedger.Api first");
        var url = $"http://127.0.0.1:{FreePort()}";
        var log = Path.Combine(context.LogDir, $"{name}.log");
        // exec: the shell becomes the service (same pid), and the service writes its log itself, never to our pipes.
        var info = new ProcessStartInfo("/bin/sh")
        {
            ArgumentList = { "-c", "exec dotnet \"$0\" >>\"$1\" 2>&1 </dev/null", context.ApiDll, log },
            WorkingDirectory = context.Options.Repo,
            UseShellExecute = false,
        };
        info.Environment["TOKENLEDGER_POSTGRES"] = context.Postgres;
        info.Environment["TOKENLEDGER_RABBITMQ"] = context.RabbitMq;
        info.Environment["TOKENLEDGER_URLS"] = url;
        info.Environment["TOKENLEDGER_ADMIN_KEY"] = context.AdminKey;
        info.Environment["TOKENLEDGER_FAULTS_RUN"] = context.RunId;
        info.Environment.Remove("ASPNETCORE_URLS");
        info.Environment.Remove("TOKENLEDGER_LOG_FORMAT");
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start the service");
        return new ServiceProcess(name, process, url, log);
    }

    public async Task WaitReadyAsync(TimeSpan timeout, CancellationToken ct)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            ct.ThrowIfCancellationRequested();
            if (_process.HasExited)
                throw new InvalidOperationException($"service {Name} exited while starting: {ExitExplanation()}\n{Tail(30)}");
            if (await ReadyAsync(ct) is (true, _))
            {
                StartupSeconds = _started.Elapsed.TotalSeconds;
                return;
            }
            await Task.Delay(200, ct);
        }
        throw new TimeoutException($"service {Name} was not ready after {timeout.TotalSeconds:F0} s:\n{Tail(30)}");
    }

    /// <summary>GET /health/ready: (true, "Healthy") when ready, (false, status and body) otherwise.</summary>
    public async Task<(bool Ready, string Detail)> ReadyAsync(CancellationToken ct)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(ReadyTimeout);
            using var response = await Http.GetAsync("/health/ready", timeout.Token);
            var body = (await response.Content.ReadAsStringAsync(timeout.Token)).Trim();
            return (response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} \"{body}\"");
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            return (false, e is OperationCanceledException ? $"no answer within {ReadyTimeout.TotalSeconds:F0} s" : "connection failed");
        }
    }

    /// <summary>kill -9.</summary>
    public async Task KillAsync()
    {
        if (_process.HasExited) return;
        StoppedByHarness = true;
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    /// <summary>SIGTERM, then SIGKILL if it has not exited within the grace period. Returns true if it stopped by itself.</summary>
    public async Task<bool> StopAsync(TimeSpan grace)
    {
        if (_process.HasExited) return true;
        StoppedByHarness = true;
        using (var term = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", Pid.ToString() }, UseShellExecute = false }))
            if (term is not null) await term.WaitForExitAsync();
        using var timeout = new CancellationTokenSource(grace);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            await KillAsync();
            return false;
        }
    }

    public string Tail(int lines)
    {
        try
        {
            using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            var all = reader.ReadToEnd().Split('\n');
            return string.Join('\n', all.TakeLast(lines));
        }
        catch (IOException)
        {
            return "(no log)";
        }
    }

    /// <summary>VmRSS of a process in bytes, or null once it is gone.</summary>
    public static long? ReadRss(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                    return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0]) * 1024;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        return null;
    }

    private async Task SampleRssAsync(CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested && !_process.HasExited)
            {
                if (ReadRss(Pid) is { } rss && rss > PeakRssBytes) PeakRssBytes = rss;
                await Task.Delay(100, ct);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) await StopAsync(TimeSpan.FromSeconds(15));
        await _sampling.CancelAsync();
        await _sampler;
        Http.Dispose();
        _process.Dispose();
        _sampling.Dispose();
    }
}
