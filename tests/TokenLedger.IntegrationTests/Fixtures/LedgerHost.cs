using System.Net.Http.Headers;
using Alba;
using JasperFx.CommandLine;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NodaTime;
using TokenLedger.Testing;

namespace TokenLedger.IntegrationTests.Fixtures;

/// <summary>One running TokenLedger service (the real Program) against the test servers.</summary>
public sealed class LedgerHost : IAsyncDisposable
{
    public const string AdminKey = "tl_admin_integration_tests_operator_key";

    private LedgerHost(IAlbaHost host, CapturedLogs logs)
    {
        Host = host;
        Logs = logs;
    }

    public IAlbaHost Host { get; }

    /// <summary>The warnings and errors this instance logged (beside its ordinary log output).</summary>
    public CapturedLogs Logs { get; }

    /// <summary>
    /// Starts the service on <paramref name="clock"/> (e.g. NodaTime's FakeClock), else on <see cref="Epoch.Clock"/>: never on
    /// the system clock, so the whole suite moves with TOKENLEDGER_TEST_EPOCH.
    /// </summary>
    /// <param name="services">replaces services after the service registered its own (ConfigureTestServices): test-only hooks such as IDecisionFaults.</param>
    public static async Task<LedgerHost> StartAsync(
        TestServers servers, IReadOnlyDictionary<string, string>? settings = null, IClock? clock = null, Action<IServiceCollection>? services = null)
    {
        JasperFxEnvironment.AutoStartHost = true;
        var logs = new CapturedLogs(LogLevel.Warning);
        var host = await AlbaHost.For<Program>(web =>
        {
            web.ConfigureServices(s => s.AddSingleton<ILoggerProvider>(logs));
            web.ConfigureTestServices(s => s.AddSingleton(clock ?? Epoch.Clock));
            if (services is not null) web.ConfigureTestServices(services);
            // The demo market (TOKENLEDGER_DEMO=true) calls the service's API in memory, as the test clients do.
            web.ConfigureTestServices(services => services.AddSingleton(sp =>
                new TokenLedger.Api.Demo.DemoTransport(() => ((TestServer)sp.GetRequiredService<IServer>()).CreateHandler(), () => new Uri("http://localhost/"))));
            web.UseSetting("TOKENLEDGER_POSTGRES", servers.Postgres);
            web.UseSetting("TOKENLEDGER_RABBITMQ", servers.RabbitMq);
            web.UseSetting("TOKENLEDGER_ADMIN_KEY", AdminKey);
            foreach (var (key, value) in settings ?? new Dictionary<string, string>()) web.UseSetting(key, value);
        });
        return new LedgerHost(host, logs);
    }

    /// <summary>A client with <paramref name="key"/>; unless <paramref name="raw"/>, every POST carries an Idempotency-Key (<see cref="IdempotencyKeyPerRequest"/>).</summary>
    public HttpClient Client(string? key = AdminKey, bool raw = false)
    {
        var client = raw
            ? Host.Server.CreateClient()
            : new HttpClient(new IdempotencyKeyPerRequest { InnerHandler = Host.Server.CreateHandler() }) { BaseAddress = Host.Server.BaseAddress };
        if (key is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    public async ValueTask DisposeAsync() => await Host.DisposeAsync();
}
