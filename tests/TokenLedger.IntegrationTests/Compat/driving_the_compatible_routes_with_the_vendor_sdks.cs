using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Shouldly;
using TokenLedger.Access.IssuingKeys;
using TokenLedger.IntegrationTests.Fixtures;
using TokenLedger.Testing;

namespace TokenLedger.IntegrationTests.Compat;

/// <summary>
/// Clients nobody here wrote: ops/compat-sdks.mjs drives the OpenMeter- and Lago-compatible routes with the real npm SDKs
/// (@openmeter/sdk, lago-javascript-client) against the service started as its own process on a real port, changing
/// only their base URL. Totals are then read back through the ledger's own API.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class driving_the_compatible_routes_with_the_vendor_sdks(LedgerFixture fixture)
{
    [Fact]
    public async Task the_sdks_record_usage_once_per_event_and_read_back_each_refusal()
    {
        var openMeterTenant = LedgerFixture.NewTenantId("om");
        var lagoTenant = LedgerFixture.NewTenantId("lago");
        var issued = await fixture.Operator.PostAsJsonAsync("/api/keys", new { role = "gateway", tenants = new[] { openMeterTenant, lagoTenant } });
        issued.EnsureSuccessStatusCode();
        var key = (await issued.Content.ReadFromJsonAsync<IssuedApiKeyResponse>())!.Key;
        var run = $"run-{Guid.NewGuid():N}"[..16];

        await using var service = await ServiceProcess.StartAsync(fixture.Servers);
        var at = Epoch.Utc(Epoch.Now - NodaTime.Duration.FromMinutes(1)); // both runs send the same events
        var first = await RunSdksAsync(service.Url, key, openMeterTenant, lagoTenant, run, at);
        var again = await RunSdksAsync(service.Url, key, openMeterTenant, lagoTenant, run, at);

        var om = first.GetProperty("openmeter");
        om.GetProperty("batch").GetProperty("ok").GetBoolean().ShouldBeTrue(om.ToString());
        om.GetProperty("resend").GetProperty("ok").GetBoolean().ShouldBeTrue();
        om.GetProperty("single").GetProperty("ok").GetBoolean().ShouldBeTrue();
        om.GetProperty("structured").GetProperty("status").GetInt32().ShouldBe(204, om.GetProperty("structured").ToString());
        var mixed = om.GetProperty("mixed");
        mixed.GetProperty("status").GetInt32().ShouldBe(400);
        var problem = mixed.GetProperty("problem");
        (problem.GetProperty("accepted").GetInt32(), problem.GetProperty("rejected").GetInt32()).ShouldBe((1, 2));
        var refused = problem.GetProperty("events").EnumerateArray().ToList();
        refused.Select(e => e.GetProperty("index").GetInt32()).ShouldBe([1, 2]);
        refused[0].GetProperty("errors")[0].GetProperty("message").GetString().ShouldBe("no meter mapping for event type 'image_calls': define one with PUT /api/meters/image_calls");
        refused[1].GetProperty("errors")[0].GetProperty("field").GetString().ShouldBe("data.prompt_tokens");
        again.GetProperty("openmeter").GetProperty("mixed").GetProperty("problem").GetProperty("duplicates").GetInt32().ShouldBe(1);

        var lago = first.GetProperty("lago");
        var single = lago.GetProperty("single").GetProperty("value").GetProperty("event");
        (single.GetProperty("transaction_id").GetString(), single.GetProperty("external_subscription_id").GetString()).ShouldBe(($"{run}-lago-1", lagoTenant));
        lago.GetProperty("resend").GetProperty("ok").GetBoolean().ShouldBeTrue();
        lago.GetProperty("batch").GetProperty("value").GetProperty("events").GetArrayLength().ShouldBe(2);
        var lagoMixed = lago.GetProperty("mixed");
        lagoMixed.GetProperty("status").GetInt32().ShouldBe(422);
        var details = lagoMixed.GetProperty("problem").GetProperty("error_details");
        details.EnumerateObject().Select(p => p.Name).ShouldBe(["1", "2"]);
        details.GetProperty("1").GetProperty("type")[0].GetString().ShouldStartWith("no meter mapping for event type 'storage_gb'");
        details.GetProperty("2").GetProperty("properties.prompt_tokens")[0].GetString()!.ShouldContain("must be a whole number of tokens");

        var from = Epoch.UtcNow.AddHours(-1);
        var to = Epoch.UtcNow.AddHours(1);
        var omReport = await UsageSamples.EventuallyEqualAsync(fixture.Operator, openMeterTenant, from, to, [new ModelTotals("any", 6, 0, 0, 0, 0)]);
        omReport.Models.OrderBy(m => m.Model).ShouldBe([
            new ModelTotals("deepseek-chat", 1, 3000, 0, 0, 300),
            new ModelTotals("gpt-4o", 5, 1000 + 2000 + 700 + 4000 + 800, 0, 0, 100 + 200 + 70 + 400 + 80)]);
        var lagoReport = await UsageSamples.EventuallyEqualAsync(fixture.Operator, lagoTenant, from, to, [new ModelTotals("qwen3-max", 4, 0, 0, 0, 0)]);
        lagoReport.Models.ShouldBe([new ModelTotals("qwen3-max", 4, 500 + 600 + 700 + 800, 0, 0, 50 + 60 + 70 + 80)]);
    }

    private static async Task<JsonElement> RunSdksAsync(string url, string key, string openMeterTenant, string lagoTenant, string run, string at)
    {
        var info = new ProcessStartInfo("node")
        {
            WorkingDirectory = Path.Combine(Repository.Root, "ops"),
            ArgumentList = { "compat-sdks.mjs", "--url", url, "--key", key, "--openmeter-tenant", openMeterTenant, "--lago-tenant", lagoTenant, "--run", run, "--at", at },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var node = Process.Start(info)!;
        var stdout = node.StandardOutput.ReadToEndAsync();
        var stderr = node.StandardError.ReadToEndAsync();
        await node.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        node.ExitCode.ShouldBe(0, await stderr);
        return JsonDocument.Parse(await stdout).RootElement.Clone();
    }
}

/// <summary>The built service (TokenLedger.Api.dll) as its own process on a free port of 127.0.0.1, against the test servers.</summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ServiceProcess(Process process, string url)
    {
        _process = process;
        Url = url;
    }

    public string Url { get; }

    public static async Task<ServiceProcess> StartAsync(TestServers servers)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var url = $"http://127.0.0.1:{port}";
        var dll = Path.Combine(Repository.Root, "src", "TokenLedger.Api", "bin", "Release", "net10.0", "TokenLedger.Api.dll");
        var info = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { dll },
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["TOKENLEDGER_POSTGRES"] = servers.Postgres,
                ["TOKENLEDGER_RABBITMQ"] = servers.RabbitMq,
                ["TOKENLEDGER_ADMIN_KEY"] = LedgerHost.AdminKey,
                ["TOKENLEDGER_URLS"] = url,
                ["TOKENLEDGER_CLOCK_START"] = Epoch.Utc(Epoch.Now), // the process keeps the tests' time, not the wall clock's
            },
        };
        var service = new ServiceProcess(Process.Start(info)!, url);
        service._process.OutputDataReceived += (_, e) => { lock (service._output) service._output.AppendLine(e.Data); };
        service._process.ErrorDataReceived += (_, e) => { lock (service._output) service._output.AppendLine(e.Data); };
        service._process.BeginOutputReadLine();
        service._process.BeginErrorReadLine();

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromMinutes(3) && !service._process.HasExited)
        {
            try
            {
                if (await http.GetStringAsync($"{url}/health/ready") == "Healthy") return service;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
            }
            await Task.Delay(250);
        }
        await service.DisposeAsync();
        throw new InvalidOperationException($"the service at {url} did not become ready:\n{service._output}");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // A graceful stop first, so that the instance leaves the Wolverine node table as a stopped node would.
            using (var term = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", _process.Id.ToString() } })) await term!.WaitForExitAsync();
            try
            {
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
            }
            catch (TimeoutException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        _process.Dispose();
    }
}
