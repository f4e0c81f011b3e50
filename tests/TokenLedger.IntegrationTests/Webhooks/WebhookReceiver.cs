using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using TokenLedger.IntegrationTests.Fixtures;
using TokenLedger.Testing;

namespace TokenLedger.IntegrationTests.Webhooks;

/// <summary>One request as ops/webhook-receiver.mjs logged it: verified by the standardwebhooks library with which secrets.</summary>
public sealed record ReceivedWebhook(string? Id, bool Verified, IReadOnlyList<int> Secrets, int Signatures, string? Type, JsonElement Data);

/// <summary>
/// ops/webhook-receiver.mjs run with node: a receiver nobody here wrote the verification of (npm standardwebhooks). It
/// can be stopped and started again on the same port; its log file survives, so nothing it received is forgotten.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly string[] _secrets;
    private readonly TimeSpan _delay;
    private Process? _node;

    private WebhookReceiver(int port, string log, string[] secrets, TimeSpan delay)
    {
        Port = port;
        Log = log;
        _secrets = secrets;
        _delay = delay;
    }

    public int Port { get; }
    public string Log { get; }
    public string Url => $"http://127.0.0.1:{Port}/hooks";

    public static Task<WebhookReceiver> StartAsync(int port, params string[] secrets) => StartAsync(port, TimeSpan.Zero, secrets);

    /// <summary>A receiver that logs each request at once but answers it only after <paramref name="delay"/> (an attempt stays in flight).</summary>
    public static async Task<WebhookReceiver> StartAsync(int port, TimeSpan delay, params string[] secrets)
    {
        var receiver = new WebhookReceiver(port, Path.Combine(Path.GetTempPath(), $"webhooks-{Guid.NewGuid():N}.jsonl"), secrets, delay);
        await receiver.StartAsync();
        return receiver;
    }

    /// <summary>A port nothing listens on (for an endpoint that is always down).</summary>
    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public async Task StartAsync()
    {
        await EnsureLibraryAsync();
        var start = new ProcessStartInfo("node") { WorkingDirectory = Path.Combine(Repository.Root, "ops"), RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in new[] { "webhook-receiver.mjs", "--port", Port.ToString(), "--log", Log }) start.ArgumentList.Add(arg);
        foreach (var secret in _secrets) { start.ArgumentList.Add("--secret"); start.ArgumentList.Add(secret); }
        start.ArgumentList.Add("--delay-ms");
        start.ArgumentList.Add(((long)_delay.TotalMilliseconds).ToString());
        start.ArgumentList.Add("--clock-start"); // the receiver checks webhook-timestamp against the tests' time, not the wall clock's
        start.ArgumentList.Add(Epoch.Utc(Epoch.Now));
        _node = Process.Start(start)!;
        _node.ErrorDataReceived += (_, _) => { };
        _node.BeginErrorReadLine();
        _node.BeginOutputReadLine();
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException) when (waited.Elapsed < TimeSpan.FromSeconds(20) && !_node.HasExited)
            {
                await Task.Delay(100);
            }
        }
    }

    public async Task StopAsync()
    {
        if (_node is null) return;
        _node.Kill(entireProcessTree: true);
        await _node.WaitForExitAsync();
        _node.Dispose();
        _node = null;
    }

    public IReadOnlyList<ReceivedWebhook> Received() =>
        !File.Exists(Log) ? [] : File.ReadAllLines(Log).Where(l => l.Length > 0).Select(l =>
        {
            var e = JsonDocument.Parse(l).RootElement;
            return new ReceivedWebhook(e.GetProperty("id").GetString(), e.GetProperty("verified").GetBoolean(),
                e.GetProperty("secrets").EnumerateArray().Select(i => i.GetInt32()).ToList(), e.GetProperty("signatures").GetInt32(),
                e.GetProperty("type").GetString(), e.GetProperty("data").Clone());
        }).ToList();

    /// <summary>ops/node_modules holds standardwebhooks after <c>npm ci</c> in ops/; a fresh checkout gets it here.</summary>
    private static readonly SemaphoreSlim Install = new(1, 1);

    private static async Task EnsureLibraryAsync()
    {
        var ops = Path.Combine(Repository.Root, "ops");
        await Install.WaitAsync();
        try
        {
            if (Directory.Exists(Path.Combine(ops, "node_modules", "standardwebhooks"))) return;
            var npm = Process.Start(new ProcessStartInfo("npm", "ci --no-audit --no-fund") { WorkingDirectory = ops })!;
            await npm.WaitForExitAsync();
            if (npm.ExitCode != 0) throw new InvalidOperationException("npm ci in ops/ failed: the webhook receiver needs the standardwebhooks package");
        }
        finally
        {
            Install.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        File.Delete(Log);
    }
}
