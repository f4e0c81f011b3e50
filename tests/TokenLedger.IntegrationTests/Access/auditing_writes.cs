using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Shouldly;
using TokenLedger.Access;
using TokenLedger.IntegrationTests.Fixtures;

namespace TokenLedger.IntegrationTests.Access;

/// <summary>GET /api/audit: who did what, read from the events; invoice terms keep one fact per change.</summary>
[Collection(LedgerCollection.Name)]
public sealed class auditing_writes(LedgerFixture fixture)
{
    [Fact]
    public async Task the_audit_answers_which_key_set_invoice_terms_and_topped_up_a_tenant_with_every_change_kept()
    {
        var tenant = await fixture.RegisterTenantAsync(LedgerFixture.NewTenantId("aud"));
        var (financeKey, financeId) = await IssueAsync(new { role = "finance" });
        var finance = fixture.App.Client(financeKey);
        (await finance.PutAsJsonAsync($"/api/tenants/{tenant}/invoice-terms", new { taxRatePercent = 6, netDays = 30 })).EnsureSuccessStatusCode();
        (await finance.PutAsJsonAsync($"/api/tenants/{tenant}/invoice-terms", new { taxRatePercent = 13, netDays = 45 })).EnsureSuccessStatusCode();
        (await finance.PostAsJsonAsync($"/api/tenants/{tenant}/top-ups", new { amount = 100, currency = "CNY", requestId = "aud-1" })).IsSuccessStatusCode.ShouldBeTrue();

        var page = await fixture.Operator.GetFromJsonAsync<JsonElement>($"/api/audit?actor={financeId}&tenant={tenant}");

        var entries = page.GetProperty("entries").EnumerateArray().ToList();
        entries.ShouldAllBe(e => e.GetProperty("actor").GetString() == financeId && e.GetProperty("tenantId").GetString() == tenant);
        entries.Select(e => e.GetProperty("action").GetString()).ShouldBe(["funds_topped_up", "invoice_terms_set", "invoice_terms_set"]);
        entries.Select(e => e.GetProperty("detail").TryGetProperty("netDays", out var days) ? days.GetInt32() : 0).ShouldBe([0, 45, 30]);
    }

    [Fact]
    public async Task a_tenant_put_a_price_book_put_a_credit_grant_and_a_plan_subscription_are_found_under_the_key_that_made_them()
    {
        var (operatorKey, operatorId) = await IssueAsync(new { role = "operator" });
        var acting = fixture.App.Client(operatorKey);
        var tenant = LedgerFixture.NewTenantId("aud");
        var book = LedgerFixture.NewTenantId("audbook");
        var plan = LedgerFixture.NewTenantId("audplan");
        (await acting.PutAsJsonAsync($"/api/tenants/{tenant}", new { name = "Audited Ltd" })).EnsureSuccessStatusCode();
        (await acting.PutAsJsonAsync($"/api/price-books/{book}", JsonDocument.Parse($$"""
            {"currency":"CNY","effectiveFrom":"{{fixture.MonthsAgo(3).StartIso}}",
             "prices":[{"model":"audit-model","inputPerMillion":"1","cachedInputPerMillion":"0.1","outputPerMillion":"2"}]}
            """).RootElement)).EnsureSuccessStatusCode();
        (await acting.PostAsJsonAsync($"/api/tenants/{tenant}/credits", new { amount = 5, currency = "CNY", expiresAt = Epoch.FarAhead, reason = "audit" })).EnsureSuccessStatusCode();
        (await acting.PutAsJsonAsync($"/api/plans/{plan}", new
        {
            name = "Audited plan", currency = "CNY", monthlyFee = 0, models = new[] { "audit-model" },
            caps = new object[] { new { window = "month", unit = "tokens", limit = 1000 } }, overagePolicy = "payg",
        })).EnsureSuccessStatusCode();
        (await acting.PostAsJsonAsync($"/api/tenants/{tenant}/subscription", new { planId = plan })).EnsureSuccessStatusCode();

        var page = await fixture.Operator.GetFromJsonAsync<JsonElement>($"/api/audit?actor={operatorId}&limit=1000");

        var entries = page.GetProperty("entries").EnumerateArray().ToList();
        entries.ShouldAllBe(e => e.GetProperty("actor").GetString() == operatorId);
        entries.Select(e => e.GetProperty("action").GetString()).Reverse().ShouldBe(
            ["tenant_registered", "price_book_version_published", "credit_granted", "plan_defined", "plan_subscription_requested"]);
        entries.Where(e => e.GetProperty("tenantId").GetString() == tenant).Select(e => e.GetProperty("action").GetString())
            .ShouldBe(["plan_subscription_requested", "credit_granted", "tenant_registered"]);
        (await fixture.Operator.GetFromJsonAsync<JsonElement>($"/api/audit?actor={operatorId}&tenant={tenant}"))
            .GetProperty("entries").GetArrayLength().ShouldBe(3);
    }

    [Fact]
    public async Task an_invoice_issued_on_request_names_the_key_that_closed_the_period()
    {
        var (financeKey, financeId) = await IssueAsync(new { role = "finance" });
        var tenant = await fixture.RegisterTenantAsync(LedgerFixture.NewTenantId("aud"));
        var closed = await fixture.App.Client(financeKey).PostAsJsonAsync($"/api/tenants/{tenant}/invoices", new { period = fixture.MonthsAgo(3).Period });
        closed.StatusCode.ShouldBe(HttpStatusCode.Created, await closed.Content.ReadAsStringAsync());

        var page = await fixture.Operator.GetFromJsonAsync<JsonElement>($"/api/audit?actor={financeId}&tenant={tenant}");

        page.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("action").GetString()).ShouldBe(["invoice_issued"]);
    }

    [Fact]
    public async Task key_issue_and_revocation_are_attributed_to_the_admin_fingerprint_and_never_show_the_hash()
    {
        var (_, keyId) = await IssueAsync(new { role = "gateway" });
        (await fixture.Operator.DeleteAsync($"/api/keys/{keyId}")).EnsureSuccessStatusCode();
        var admin = ApiKeySecret.AdminKeyId(LedgerHost.AdminKey);

        var text = await fixture.Operator.GetStringAsync($"/api/audit?actor={Uri.EscapeDataString(admin)}&limit=1000");

        text.ShouldNotContain("keyHash");
        var mine = JsonDocument.Parse(text).RootElement.GetProperty("entries").EnumerateArray()
            .Where(e => e.GetProperty("stream").GetString() == $"apikey:{keyId}").Select(e => e.GetProperty("action").GetString()).ToList();
        mine.ShouldBe(["api_key_revoked", "api_key_issued"]);
    }

    [Fact]
    public async Task the_audit_is_for_operator_and_finance_and_bad_bounds_are_a_400_naming_the_field()
    {
        var tenant = await fixture.RegisterTenantAsync(LedgerFixture.NewTenantId("aud"));
        (await (await fixture.TenantClientAsync(tenant)).GetAsync("/api/audit")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await (await fixture.RoleClientAsync("finance")).GetAsync("/api/audit")).StatusCode.ShouldBe(HttpStatusCode.OK);
        await ShouldNameAsync(await fixture.Operator.GetAsync("/api/audit?since=yesterday"), "since");
        await ShouldNameAsync(await fixture.Operator.GetAsync($"/api/audit?since={fixture.MonthsAgo(3).Period}-02T00:00:00Z&until={fixture.MonthsAgo(3).Period}-01T00:00:00Z"), "since");
        await ShouldNameAsync(await fixture.Operator.GetAsync($"/api/audit?since={fixture.MonthsAgo(8).Period}-01T00:00:00Z&until={fixture.MonthsAgo(3).Period}-01T00:00:00Z"), "since");
        await ShouldNameAsync(await fixture.Operator.GetAsync("/api/audit?tenant=bad%20id"), "tenant");
        await ShouldNameAsync(await fixture.Operator.GetAsync("/api/audit?limit=0"), "limit");
    }

    private async Task<(string Key, string KeyId)> IssueAsync(object body)
    {
        var issued = await (await fixture.Operator.PostAsJsonAsync("/api/keys", body)).Content.ReadFromJsonAsync<JsonElement>();
        return (issued.GetProperty("key").GetString()!, issued.GetProperty("keyId").GetString()!);
    }

    private static async Task ShouldNameAsync(HttpResponseMessage response, string field)
    {
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty(field, out _).ShouldBeTrue();
    }
}
