using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using TokenLedger.Access;
using TokenLedger.Api.Hosting;
using TokenLedger.IntegrationTests.Fixtures;
using Xunit.Abstractions;

namespace TokenLedger.IntegrationTests.Access;

/// <summary>One service with low, known rate limits on its own database, so the floods here touch no other test.</summary>
public sealed class ThrottledHost : IAsyncLifetime
{
    public static readonly Dictionary<string, string> Limits = new()
    {
        ["TokenLedger:RateLimits:PerKeyPerSecond"] = "20",
        ["TokenLedger:RateLimits:PerKeyBurst"] = "20",
        ["TokenLedger:RateLimits:FailedAuthPerSecond"] = "10",
        ["TokenLedger:RateLimits:FailedAuthBurst"] = "50",
        ["TokenLedger:Access:CachedUnknownKeys"] = "1000",
        ["TokenLedger:Access:LastUsedFlushSeconds"] = "1",
    };

    public TestServers Servers { get; private set; } = null!;
    public LedgerHost App { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Servers = await TestServers.StartAsync();
        App = await LedgerHost.StartAsync(Servers, Limits);
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await Servers.DisposeAsync();
    }
}

/// <summary>Rate limits per key and per address, a bounded auth cache, and running on stored keys only.</summary>
public sealed class protecting_against_load(ThrottledHost host, ITestOutputHelper output) : IClassFixture<ThrottledHost>
{
    [Fact]
    public async Task ten_thousand_requests_with_random_bad_keys_answer_401_or_429_and_memory_stays_bounded()
    {
        var client = host.App.Client(null);
        var statuses = new ConcurrentDictionary<HttpStatusCode, int>();
        var missingRetryAfter = 0;
        var before = Measure();
        var clock = Stopwatch.StartNew();

        await Parallel.ForEachAsync(Enumerable.Range(0, 10_000), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, i % 2 == 0 ? "/api/me" : "/api/keys");
            request.Headers.TryAddWithoutValidation("Authorization", $"Bearer {BadKey(i)}");
            using var response = await client.SendAsync(request, ct);
            statuses.AddOrUpdate(response.StatusCode, 1, (_, n) => n + 1);
            if (response.StatusCode == HttpStatusCode.TooManyRequests && response.Headers.RetryAfter?.Delta is not { TotalSeconds: >= 1 })
                Interlocked.Increment(ref missingRetryAfter);
        });

        var elapsed = clock.Elapsed;
        var after = Measure();
        var cache = host.App.Host.Services.GetRequiredService<ApiKeyCache>().Count;
        output.WriteLine($"10,000 bad-key requests in {elapsed.TotalSeconds:F1} s: {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{(int)s.Key}: {s.Value}"))}");
        output.WriteLine($"GC heap {before.Heap / 1e6:F1} MB -> {after.Heap / 1e6:F1} MB (+{(after.Heap - before.Heap) / 1e6:F1} MB); " +
                         $"working set {before.WorkingSet / 1e6:F1} MB -> {after.WorkingSet / 1e6:F1} MB; auth cache {cache.Known} known, {cache.Unknown} unknown ids");

        statuses.Keys.ShouldBeSubsetOf(new[] { HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests });
        statuses.Values.Sum().ShouldBe(10_000);
        statuses.GetValueOrDefault(HttpStatusCode.TooManyRequests).ShouldBeGreaterThan(5_000);
        missingRetryAfter.ShouldBe(0);
        cache.Unknown.ShouldBeLessThanOrEqualTo(1_000);
        (after.Heap - before.Heap).ShouldBeLessThan(64_000_000);
        (after.WorkingSet - before.WorkingSet).ShouldBeLessThan(256_000_000);
    }

    [Fact]
    public async Task a_key_over_its_rate_answers_429_with_retry_after_while_another_key_goes_on()
    {
        var busy = host.App.Client(await IssueAsync("gateway"));
        var quiet = host.App.Client(await IssueAsync("gateway"));

        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < 60; i++) answers.Add(await busy.GetAsync("/api/me"));

        var throttled = answers.Where(a => a.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        output.WriteLine($"60 requests at once on one key (20/s, burst 20): {answers.Count - throttled.Count} answered, {throttled.Count} throttled");
        throttled.ShouldNotBeEmpty();
        answers.ShouldAllBe(a => a.StatusCode == HttpStatusCode.OK || a.StatusCode == HttpStatusCode.TooManyRequests);
        throttled[0].Headers.RetryAfter!.Delta!.Value.TotalSeconds.ShouldBeGreaterThanOrEqualTo(1);
        throttled[0].Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await quiet.GetAsync("/api/me")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task the_service_runs_without_the_environment_admin_key_on_a_stored_operator_key()
    {
        var stored = await IssueAsync("operator");
        await using var restricted = await LedgerHost.StartAsync(host.Servers, new Dictionary<string, string> { ["TOKENLEDGER_ADMIN_KEY"] = "disabled" });

        (await restricted.Client().GetAsync("/api/me")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        var keys = await restricted.Client(stored).GetFromJsonAsync<JsonElement>("/api/keys");
        keys.EnumerateArray().ShouldNotContain(k => k.GetProperty("status").GetString() == "environment");
        (await restricted.Client(stored).PostAsJsonAsync("/api/keys", new { role = "finance" })).StatusCode.ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task an_unknown_key_costs_one_database_lookup_however_often_it_is_sent()
    {
        await Task.Delay(TimeSpan.FromSeconds(6)); // the address's failed-auth bucket refills (10/s, burst 50)
        var cache = host.App.Host.Services.GetRequiredService<ApiKeyCache>();
        var client = host.App.Client($"tl_{RandomHex(8)}_{RandomHex(32)}");
        var before = cache.Lookups;

        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 40; i++) answers.Add((await client.GetAsync("/api/me")).StatusCode);

        output.WriteLine($"40 requests with one unknown key: {answers.Count(a => a == HttpStatusCode.Unauthorized)} × 401, {cache.Lookups - before} database lookup(s)");
        answers.ShouldAllBe(a => a == HttpStatusCode.Unauthorized);
        (cache.Lookups - before).ShouldBe(1);
    }

    [Fact]
    public async Task a_keys_last_use_is_written_within_the_flush_interval_for_every_instance_to_list()
    {
        var key = await IssueAsync("finance");
        var keyId = ApiKeySecret.KeyIdOf(key)!;
        (await host.App.Client(key).GetAsync("/api/me")).StatusCode.ShouldBe(HttpStatusCode.OK);

        var store = host.App.Host.Services.GetRequiredService<Marten.IDocumentStore>();
        var written = await Eventually.Until(async () =>
        {
            await using var session = store.QuerySession();
            return await session.LoadAsync<TokenLedger.Access.TrackingUse.ApiKeyLastUse>(keyId);
        }, use => use is not null, TimeSpan.FromSeconds(15), "the last use to be written");
        output.WriteLine($"last use of {keyId} written: {written!.At}");
    }

    [Theory]
    [InlineData("disabled", null)]
    [InlineData("DISABLED", null)]
    [InlineData("tl_admin_long_enough_key_0001", "tl_admin_long_enough_key_0001")]
    public void the_admin_key_setting_is_a_key_or_disabled(string setting, string? adminKey)
    {
        LedgerSettings.Read(Settings(setting)).AdminKey.ShouldBe(adminKey);
    }

    [Fact]
    public void a_short_admin_key_is_refused_at_start()
    {
        Should.Throw<InvalidOperationException>(() => LedgerSettings.Read(Settings("short-key"))).Message.ShouldContain("TOKENLEDGER_ADMIN_KEY");
    }

    private async Task<string> IssueAsync(string role)
    {
        var response = await host.App.Client().PostAsJsonAsync("/api/keys", new { role });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
    }

    /// <summary>Half well-shaped random keys, a quarter one repeated unknown key, a quarter random junk.</summary>
    private static string BadKey(int i) => (i % 4) switch
    {
        0 or 1 => $"tl_{RandomHex(8)}_{RandomHex(32)}",
        2 => "tl_00000000deadbeef_" + new string('0', 64),
        _ => Convert.ToBase64String(RandomNumberGenerator.GetBytes(Random.Shared.Next(1, 200))),
    };

    private static string RandomHex(int bytes) => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(bytes));

    private static (long Heap, long WorkingSet) Measure()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var process = Process.GetCurrentProcess();
        return (GC.GetTotalMemory(forceFullCollection: true), process.WorkingSet64);
    }

    private static IConfiguration Settings(string adminKey) => new ConfigurationBuilder()
        .AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["TOKENLEDGER_POSTGRES"] = "Host=127.0.0.1",
            ["TOKENLEDGER_RABBITMQ"] = "amqp://127.0.0.1",
            ["TOKENLEDGER_ADMIN_KEY"] = adminKey,
        })
        .Build();
}
