using System.Net.Http.Headers;
using Alba;
using JasperFx.CommandLine;
using Microsoft.AspNetCore.Hosting;

namespace TokenLedger.IntegrationTests.Fixtures;

/// <summary>One running TokenLedger service (the real Program) against the test servers.</summary>
public sealed class LedgerHost : IAsyncDisposable
{
    public const string AdminKey = "tl_admin_integration_tests_operator_key";

    private LedgerHost(IAlbaHost host) => Host = host;

    public IAlbaHost Host { get; }

    public static async Task<LedgerHost> StartAsync(TestServers servers, IReadOnlyDictionary<string, string>? settings = null)
    {
        JasperFxEnvironment.AutoStartHost = true;
        var host = await AlbaHost.For<Program>(web =>
        {
            web.UseSetting("TOKENLEDGER_POSTGRES", servers.Postgres);
            web.UseSetting("TOKENLEDGER_RABBITMQ", servers.RabbitMq);
            web.UseSetting("TOKENLEDGER_ADMIN_KEY", AdminKey);
            foreach (var (key, value) in settings ?? new Dictionary<string, string>()) web.UseSetting(key, value);
        });
        return new LedgerHost(host);
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
