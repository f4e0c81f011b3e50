using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Shouldly;
using TokenLedger.Api.Hosting;
using TokenLedger.IntegrationTests.Fixtures;
using TokenLedger.Testing;
using Xunit.Abstractions;

namespace TokenLedger.IntegrationTests.Hosting;

/// <summary>
/// Issue 25, item 2: the service as ops/run starts it (<c>dotnet TokenLedger.Api.dll</c>, a separate process, on a fresh
/// database and virtual host of the test servers) prints at most 15 lines until it is ready, the generated operator key
/// among them, and more with TOKENLEDGER_LOG_LEVEL=Debug.
/// </summary>
public sealed partial class a_quiet_start(ITestOutputHelper output)
{
    private const int MostLines = 15;

    [Fact]
    public async Task the_service_starts_in_at_most_15_lines_with_the_operator_key_and_says_more_at_debug()
    {
        await using var servers = await TestServers.StartAsync();

        // First start, on an empty database: the schema is created here, and its SQL must not be printed.
        var quiet = await StartAndReadUntilReadyAsync(servers, logLevel: null);
        Echo("default level", quiet);
        quiet.Count.ShouldBeLessThanOrEqualTo(MostLines, "start-up printed more than 15 lines (see the output)");
        quiet.ShouldContain(l => l.Contains(StartupBanner.OperatorKeyLabel));
        quiet.ShouldContain(l => OperatorKey().IsMatch(l), "no generated operator key printed");
        quiet.ShouldContain(l => l.Contains("/console/"));
        quiet.ShouldContain(l => l.Contains("/docs"));
        quiet.ShouldContain(l => l.Contains("/metrics"));
        quiet.ShouldNotContain(l => l.Contains("for commands"));
        quiet.ShouldNotContain(l => l.Contains("schema update SQL") || l.Contains("Applied database migration"));

        var debug = await StartAndReadUntilReadyAsync(servers, logLevel: "Debug");
        output.WriteLine($"TOKENLEDGER_LOG_LEVEL=Debug: {debug.Count} lines until ready");
        debug.Count.ShouldBeGreaterThan(quiet.Count);
        debug.ShouldContain(l => l.Contains(" dbug: "));
    }

    private void Echo(string what, IReadOnlyList<string> lines)
    {
        output.WriteLine($"{what}: {lines.Count} lines until ready");
        foreach (var line in lines) output.WriteLine(line);
    }

    /// <summary>
    /// Starts the service without TOKENLEDGER_ADMIN_KEY, waits for /health/ready and for the start-up banner (written when
    /// the host reports started, which may be a moment after the port answers), stops it and returns its stdout and
    /// stderr lines until then.
    /// </summary>
    private static async Task<List<string>> StartAndReadUntilReadyAsync(TestServers servers, string? logLevel)
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name; // bin/<configuration>/net10.0
        var dll = Path.Combine(Repository.Root, "src", "TokenLedger.Api", "bin", configuration, "net10.0", "TokenLedger.Api.dll");
        var port = FreePort();
        var info = new ProcessStartInfo("dotnet", [dll]) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetDirectoryName(dll)! };
        info.Environment["TOKENLEDGER_POSTGRES"] = servers.Postgres;
        info.Environment["TOKENLEDGER_RABBITMQ"] = servers.RabbitMq;
        info.Environment["TOKENLEDGER_URLS"] = $"http://127.0.0.1:{port}";
        info.Environment["TOKENLEDGER_CLOCK_START"] = Epoch.Utc(Epoch.Now);
        info.Environment.Remove("TOKENLEDGER_ADMIN_KEY");
        info.Environment.Remove("TOKENLEDGER_LOG_FORMAT");
        if (logLevel is null) info.Environment.Remove("TOKENLEDGER_LOG_LEVEL");
        else info.Environment["TOKENLEDGER_LOG_LEVEL"] = logLevel;

        var lines = new List<string>();
        var bannerClosed = 0;
        using var service = new Process { StartInfo = info };
        service.OutputDataReceived += (_, e) => Add(e.Data);
        service.ErrorDataReceived += (_, e) => Add(e.Data);
        service.Start();
        service.BeginOutputReadLine();
        service.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient();
            await Eventually.Until(async () =>
            {
                if (service.HasExited) throw new InvalidOperationException($"the service exited with {service.ExitCode}:\n{Text()}");
                try { return (await http.GetAsync($"http://127.0.0.1:{port}/health/ready")).StatusCode; }
                catch (HttpRequestException) { return HttpStatusCode.ServiceUnavailable; }
            }, s => s == HttpStatusCode.OK, TimeSpan.FromSeconds(120), "the service process ready");
            await Eventually.Until(() => Task.FromResult(Volatile.Read(ref bannerClosed)), n => n >= 2, TimeSpan.FromSeconds(20), "the start-up banner");
            await Task.Delay(300); // the blank line after the frame
        }
        finally
        {
            if (!service.HasExited)
            {
                service.Kill(entireProcessTree: true);
                await service.WaitForExitAsync();
            }
        }
        lock (lines) return [.. lines];

        void Add(string? line)
        {
            if (line is null) return;
            lock (lines)
            {
                lines.Add(line);
                if (line.StartsWith("+-", StringComparison.Ordinal)) Interlocked.Increment(ref bannerClosed);
            }
        }

        string Text()
        {
            lock (lines) return string.Join('\n', lines);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [GeneratedRegex("tl_admin_[0-9a-f]{48}")]
    private static partial Regex OperatorKey();
}
