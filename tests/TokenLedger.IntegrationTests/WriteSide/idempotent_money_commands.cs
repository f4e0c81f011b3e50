using System.Net;
using System.Net.Http.Json;
using System.Text;
using Shouldly;
using TokenLedger.IntegrationTests.Fixtures;
using static TokenLedger.IntegrationTests.Balances.AccountScenario;

namespace TokenLedger.IntegrationTests.WriteSide;

/// <summary>Idempotency-Key on the commands that move money: replay, refusal of reuse, and keys required.</summary>
[Collection(LedgerCollection.Name)]
public sealed class idempotent_money_commands(LedgerFixture fixture)
{
    private HttpClient Raw => fixture.App.Client(raw: true);

    private static HttpRequestMessage Post(string path, string json, string? key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (key is not null) request.Headers.Add("Idempotency-Key", key);
        return request;
    }

    [Fact]
    public async Task twenty_concurrent_top_ups_with_ten_distinct_keys_record_exactly_ten()
    {
        var tenant = await TenantAsync(fixture, await UnitPriceBookAsync(fixture));
        var sends = Enumerable.Range(0, 20).Select(i =>
            Raw.SendAsync(Post($"/api/tenants/{tenant}/top-ups", """{"amount":10,"currency":"CNY"}""", $"top-up-{i % 10}")));
        var answers = await Task.WhenAll(sends);

        answers.ShouldAllBe(a => a.IsSuccessStatusCode || a.StatusCode == HttpStatusCode.Conflict);
        var balance = await Eventually.Until(() => BalanceAsync(fixture, tenant), b => b.Dec("totals.toppedUp") >= 100m, TimeSpan.FromSeconds(30));
        await Task.Delay(TimeSpan.FromSeconds(1));
        (await BalanceAsync(fixture, tenant)).Dec("totals.toppedUp").ShouldBe(100m);
        balance.Dec("wallet").ShouldBe(100m);
    }

    [Fact]
    public async Task a_retry_with_the_same_key_and_body_replays_the_first_answer_and_records_once()
    {
        var tenant = await TenantAsync(fixture, await UnitPriceBookAsync(fixture));
        const string body = """{"amount":25.5,"currency":"CNY"}""";

        var first = await Raw.SendAsync(Post($"/api/tenants/{tenant}/top-ups", body, "bank-transfer-77"));
        var again = await Raw.SendAsync(Post($"/api/tenants/{tenant}/top-ups", """{ "currency": "CNY", "amount": 25.5 }""", "bank-transfer-77"));

        first.IsSuccessStatusCode.ShouldBeTrue(await first.Content.ReadAsStringAsync());
        again.StatusCode.ShouldBe(first.StatusCode);
        (await again.Content.ReadAsStringAsync()).ShouldBe(await first.Content.ReadAsStringAsync());
        again.Headers.GetValues("Idempotent-Replayed").ShouldBe(["true"]);
        await Task.Delay(TimeSpan.FromSeconds(1));
        (await BalanceAsync(fixture, tenant)).Dec("totals.toppedUp").ShouldBe(25.5m);
    }

    [Fact]
    public async Task the_same_key_with_another_amount_or_operation_is_refused_with_422()
    {
        var tenant = await TenantAsync(fixture, await UnitPriceBookAsync(fixture));
        (await Raw.SendAsync(Post($"/api/tenants/{tenant}/top-ups", """{"amount":10,"currency":"CNY"}""", "k-1"))).EnsureSuccessStatusCode();

        var otherAmount = await Raw.SendAsync(Post($"/api/tenants/{tenant}/top-ups", """{"amount":11,"currency":"CNY"}""", "k-1"));
        var otherOperation = await Raw.SendAsync(Post($"/api/tenants/{tenant}/refunds", """{"amount":10,"currency":"CNY","reason":"x"}""", "k-1"));

        otherAmount.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        (await otherAmount.Content.ReadAsStringAsync()).ShouldContain("different body");
        otherOperation.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        (await otherOperation.Content.ReadAsStringAsync()).ShouldContain("/top-ups");
        (await BalanceAsync(fixture, tenant)).Dec("totals.toppedUp").ShouldBe(10m);
    }

    [Theory]
    [InlineData("credits", $$"""{"amount":5,"currency":"CNY","expiresAt":"{{Epoch.FarAhead}}","reason":"x"}""")]
    [InlineData("refunds", """{"amount":5,"currency":"CNY","reason":"x"}""")]
    [InlineData("adjustments", """{"amount":5,"currency":"CNY","reason":"x"}""")]
    [InlineData("top-ups", """{"amount":5,"currency":"CNY"}""")]
    public async Task a_money_command_without_any_key_is_refused_with_400(string command, string body)
    {
        var tenant = await TenantAsync(fixture, await UnitPriceBookAsync(fixture));

        var response = await Raw.SendAsync(Post($"/api/tenants/{tenant}/{command}", body, key: null));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).ShouldContain("Idempotency-Key");
    }

    [Fact]
    public async Task a_top_up_with_a_bank_reference_needs_no_other_key_and_applies_once()
    {
        var tenant = await TenantAsync(fixture, await UnitPriceBookAsync(fixture));
        const string body = """{"amount":7,"currency":"CNY","reference":"ICBC-000123"}""";

        (await Raw.SendAsync(Post($"/api/tenants/{tenant}/top-ups", body, key: null))).EnsureSuccessStatusCode();
        (await Raw.SendAsync(Post($"/api/tenants/{tenant}/top-ups", body, key: null))).EnsureSuccessStatusCode();

        await Task.Delay(TimeSpan.FromSeconds(1));
        (await BalanceAsync(fixture, tenant)).Dec("totals.toppedUp").ShouldBe(7m);
    }

    [Fact]
    public async Task a_request_id_in_the_body_is_an_alias_of_the_header()
    {
        var tenant = await TenantAsync(fixture, await UnitPriceBookAsync(fixture));

        (await Raw.SendAsync(Post($"/api/tenants/{tenant}/top-ups", """{"amount":3,"currency":"CNY","requestId":"r-1"}""", key: null))).EnsureSuccessStatusCode();
        var differing = await Raw.SendAsync(Post($"/api/tenants/{tenant}/top-ups", """{"amount":3,"currency":"CNY","requestId":"r-2"}""", "r-3"));

        differing.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await differing.Content.ReadAsStringAsync()).ShouldContain("differs from the Idempotency-Key header");
    }
}
