using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using Shouldly;
using TokenLedger.IntegrationTests.Fixtures;

namespace TokenLedger.IntegrationTests.Tenants;

[Collection(LedgerCollection.Name)]
public sealed class tenants_and_keys(LedgerFixture fixture)
{
    [Fact]
    public async Task putting_a_tenant_registers_it_with_default_zone_and_currency_then_updates_it()
    {
        var id = LedgerFixture.NewTenantId("reg");
        var created = await fixture.Operator.PutAsJsonAsync($"/api/tenants/{id}", new { name = "杭州智算科技" });
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        body.GetProperty("timeZone").GetString().ShouldBe("Asia/Shanghai");
        body.GetProperty("currency").GetString().ShouldBe("CNY");
        body.GetProperty("name").GetString().ShouldBe("杭州智算科技");

        var updated = await fixture.Operator.PutAsJsonAsync($"/api/tenants/{id}", new { name = "Hangzhou AI", timeZone = "Europe/Berlin", currency = "EUR" });
        updated.StatusCode.ShouldBe(HttpStatusCode.OK);
        var read = await fixture.Operator.GetFromJsonAsync<JsonElement>($"/api/tenants/{id}");
        read.GetProperty("timeZone").GetString().ShouldBe("Europe/Berlin");
        read.GetProperty("currency").GetString().ShouldBe("EUR");
    }

    [Fact]
    public async Task an_invalid_tenant_gets_a_problem_details_naming_each_field()
    {
        var response = await fixture.Operator.PutAsJsonAsync("/api/tenants/bad id!", new { name = "", timeZone = "Mars/Olympus", currency = "yuan" });
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        errors.TryGetProperty("TenantId", out _).ShouldBeTrue();
        errors.TryGetProperty("Name", out _).ShouldBeTrue();
        errors.GetProperty("TimeZone")[0].GetString()!.ShouldContain("Mars/Olympus");
        errors.TryGetProperty("Currency", out _).ShouldBeTrue();
    }

    [Fact]
    public async Task a_tenant_key_reads_its_own_tenant_and_gets_404_for_any_other()
    {
        var mine = await fixture.RegisterTenantAsync(LedgerFixture.NewTenantId("mine"));
        var theirs = await fixture.RegisterTenantAsync(LedgerFixture.NewTenantId("theirs"));
        var client = await fixture.TenantClientAsync(mine);

        (await client.GetAsync($"/api/tenants/{mine}")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await client.GetAsync($"/api/tenants/{mine}/usage")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await client.GetAsync($"/api/tenants/{theirs}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await client.GetAsync($"/api/tenants/{theirs}/usage")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await client.GetAsync("/api/tenants/never-registered/usage")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task roles_limit_what_a_key_may_do()
    {
        var tenant = await fixture.RegisterTenantAsync(LedgerFixture.NewTenantId("roles"));
        var tenantKey = await fixture.TenantClientAsync(tenant);
        var gateway = await fixture.RoleClientAsync("gateway");
        var finance = await fixture.RoleClientAsync("finance");
        var empty = new StringContent("[]", System.Text.Encoding.UTF8, "application/json");

        (await tenantKey.PostAsync("/api/usage", empty)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await tenantKey.PutAsJsonAsync($"/api/tenants/{tenant}", new { name = "x" })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await gateway.GetAsync($"/api/tenants/{tenant}/usage")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await gateway.PostAsJsonAsync("/api/keys", new { role = "operator" })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await finance.GetAsync($"/api/tenants/{tenant}/usage")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var posted = await gateway.PostAsync("/api/usage", new StringContent(UsageSamples.ToJson(UsageSamples.Events(tenant, 1, Epoch.UtcNow)), System.Text.Encoding.UTF8, "application/json"));
        posted.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task a_key_is_shown_once_and_only_its_hash_is_stored()
    {
        var tenant = await fixture.RegisterTenantAsync(LedgerFixture.NewTenantId("hash"));
        var response = await fixture.Operator.PostAsJsonAsync($"/api/tenants/{tenant}/keys", new { });
        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        var key = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
        key.ShouldStartWith("tl_");

        await using var connection = new NpgsqlConnection(fixture.Servers.Postgres);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "select (select count(*) from tokenledger.mt_doc_apikey where data::text like '%' || @k || '%') + " +
            "(select count(*) from tokenledger.mt_events where data::text like '%' || @k || '%')", connection);
        command.Parameters.AddWithValue("k", key);
        ((long)(await command.ExecuteScalarAsync())!).ShouldBe(0);
    }

    [Fact]
    public async Task keys_cannot_be_issued_for_an_unregistered_tenant_or_an_unknown_role()
    {
        (await fixture.Operator.PostAsJsonAsync("/api/tenants/nobody-here/keys", new { })).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var response = await fixture.Operator.PostAsJsonAsync("/api/keys", new { role = "superuser" });
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).ShouldContain("role must be one of");
    }
}

[Collection(LedgerCollection.Name)]
public sealed class tenant_currency_and_book(LedgerFixture fixture)
{
    [Fact]
    public async Task changing_a_tenants_currency_without_a_book_in_that_currency_is_refused()
    {
        var book = LedgerFixture.NewTenantId("cnybook");
        (await fixture.Operator.PutAsJsonAsync($"/api/price-books/{book}", new { currency = "CNY", effectiveFrom = fixture.MonthsAgo(3).StartIso,
            prices = new[] { new { model = "m", inputPerMillion = "1", cachedInputPerMillion = "0", outputPerMillion = "1" } } })).EnsureSuccessStatusCode();
        var tenant = LedgerFixture.NewTenantId("switch");
        (await fixture.Operator.PutAsJsonAsync($"/api/tenants/{tenant}", new { name = "Switcher", retailPriceBookId = book })).EnsureSuccessStatusCode();

        var response = await fixture.Operator.PutAsJsonAsync($"/api/tenants/{tenant}", new { name = "Switcher", currency = "USD" });

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).ShouldContain("send a retailPriceBookId in USD");
    }
}
