using System.Net.Http.Json;
using NodaTime;
using NodaTime.Testing;
using TokenLedger.Access.IssuingKeys;

[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace TokenLedger.IntegrationTests.Fixtures;

/// <summary>Shared by the "ledger" collection: one database, one virtual host, one running service. Tests use their own tenant ids.</summary>
public class LedgerFixture : IAsyncLifetime
{
    public TestServers Servers { get; private set; } = null!;
    public LedgerHost App { get; private set; } = null!;
    public Broker Broker { get; private set; } = null!;

    /// <summary>The service's clock: <see cref="Epoch.Clock"/> (from the epoch, running), or the one a subclass pins.</summary>
    protected virtual IClock Clock => Epoch.Clock;

    /// <summary>Settings for the service beyond the servers and the operator key.</summary>
    protected virtual IReadOnlyDictionary<string, string>? Settings => null;

    public async Task InitializeAsync()
    {
        Servers = await TestServers.StartAsync();
        App = await LedgerHost.StartAsync(Servers, Settings, Clock);
        Broker = await Broker.ConnectAsync(Servers.RabbitMq);
    }

    public HttpClient Operator => App.Client();

    /// <summary>The service's "now", from its clock (never the wall clock).</summary>
    public Instant Now => Clock.GetCurrentInstant();

    /// <summary><see cref="Now"/> as a <see cref="DateTimeOffset"/> in UTC.</summary>
    public DateTimeOffset UtcNow => Now.ToDateTimeOffset();

    /// <summary>The month <paramref name="n"/> months before the service's current month (in Shanghai).</summary>
    public Epoch.Month MonthsAgo(int n) => Epoch.MonthOf(Now).Plus(-n);

    public static string NewTenantId(string prefix = "t") => $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, 40)];

    public async Task<string> RegisterTenantAsync(string tenantId, string? timeZone = null)
    {
        var response = await Operator.PutAsJsonAsync($"/api/tenants/{tenantId}", new { name = $"Tenant {tenantId}", timeZone });
        response.EnsureSuccessStatusCode();
        return tenantId;
    }

    public async Task<HttpClient> ClientWithNewKeyAsync(string path, object body)
    {
        var response = await Operator.PostAsJsonAsync(path, body);
        response.EnsureSuccessStatusCode();
        var issued = await response.Content.ReadFromJsonAsync<IssuedApiKeyResponse>();
        return App.Client(issued!.Key);
    }

    public Task<HttpClient> TenantClientAsync(string tenantId) => ClientWithNewKeyAsync($"/api/tenants/{tenantId}/keys", new { });

    public Task<HttpClient> RoleClientAsync(string role) => ClientWithNewKeyAsync("/api/keys", new { role, distributorId = role == "distributor" ? "d1" : null });

    public async Task DisposeAsync()
    {
        await WebConsole.ConsoleBrowser.StopSharedAsync();
        await Broker.DisposeAsync();
        await App.DisposeAsync();
        await Servers.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class LedgerCollection : ICollectionFixture<LedgerFixture>
{
    public const string Name = "ledger";
}

/// <summary>
/// Shared by the "pinned clock" collection: a service of its own whose clock is a <see cref="FakeClock"/> pinned at
/// <see cref="Epoch.Start"/>, the test epoch (<see cref="Epoch"/>: 15 September 2026, 08:00 in Shanghai unless
/// TOKENLEDGER_TEST_EPOCH says otherwise). Its tests date their data relative to it (<see cref="Epoch.MonthsAgo"/>), so
/// they hold whatever today's date is and whatever year the epoch is in. The automatic close is off, so only the tests
/// close periods.
/// </summary>
public sealed class PinnedClockLedgerFixture : LedgerFixture
{
    /// <summary>The service's clock: tests move it forward (<see cref="FakeClock.Advance"/>), never back.</summary>
    public FakeClock FakeClock { get; } = new(Epoch.Start);

    protected override IClock Clock => FakeClock;

    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["TokenLedger:Invoicing:AutoCloseInterval"] = "00:00:00",
    };
}

[CollectionDefinition(Name)]
public sealed class PinnedClockCollection : ICollectionFixture<PinnedClockLedgerFixture>
{
    public const string Name = "pinned clock";
}

/// <summary>
/// Shared by the "no hold sweeper" collection: a service of its own with the hold expiry sweeper off
/// (<c>TokenLedger:Holds:SweepSeconds = 0</c>), so a hold past its expiry keeps counting until it is voided or settled
/// and a test can look at it after moving the clock past what it sits on.
/// </summary>
public sealed class NoHoldSweeperLedgerFixture : LedgerFixture
{
    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["TokenLedger:Holds:SweepSeconds"] = "0",
    };
}

[CollectionDefinition(Name)]
public sealed class NoHoldSweeperCollection : ICollectionFixture<NoHoldSweeperLedgerFixture>
{
    public const string Name = "no hold sweeper";
}
