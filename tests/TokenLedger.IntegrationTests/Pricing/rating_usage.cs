using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Shouldly;
using TokenLedger.Contracts.Usage;
using TokenLedger.IntegrationTests.Fixtures;

namespace TokenLedger.IntegrationTests.Pricing;

[Collection(PinnedClockCollection.Name)]
public sealed class rating_usage(PinnedClockLedgerFixture fixture)
{
    private static readonly DateTimeOffset June1 = Epoch.MonthsAgo(3).Start;

    private static object Book(string effectiveFrom, string input, string output, string model = "deepseek-v4-pro", object? aliases = null) => new
    {
        currency = "CNY", effectiveFrom, aliases,
        prices = new[] { new { model, inputPerMillion = input, cachedInputPerMillion = "0.2", cacheWritePerMillion = "0", outputPerMillion = output } },
    };

    private async Task<(string Tenant, string Distributor)> PricedTenantAsync(string retailBook, string wholesaleBook)
    {
        var tenant = LedgerFixture.NewTenantId("rated");
        var distributor = LedgerFixture.NewTenantId("dist");
        (await fixture.Operator.PutAsJsonAsync($"/api/distributors/{distributor}", new { name = "Distributor", wholesalePriceBookId = wholesaleBook })).EnsureSuccessStatusCode();
        (await fixture.Operator.PutAsJsonAsync($"/api/tenants/{tenant}", new { name = "Rated", retailPriceBookId = retailBook })).EnsureSuccessStatusCode();
        return (tenant, distributor);
    }

    private async Task PostAsync(params UsageEventV1[] events)
    {
        var response = await fixture.Operator.PostAsync("/api/usage", new StringContent(UsageSamples.ToJson(events), Encoding.UTF8, "application/json"));
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accepted").GetInt32().ShouldBe(events.Length);
    }

    private async Task<JsonElement> ReportAsync(HttpClient client, string tenant, DateTimeOffset from, DateTimeOffset to) =>
        await client.GetFromJsonAsync<JsonElement>(
            $"/api/tenants/{tenant}/usage?from={Uri.EscapeDataString(from.ToString("O"))}&to={Uri.EscapeDataString(to.ToString("O"))}");

    [Fact]
    public async Task putting_a_price_book_publishes_versions_and_an_identical_put_changes_nothing()
    {
        var id = LedgerFixture.NewTenantId("book");
        (await fixture.Operator.PutAsJsonAsync($"/api/price-books/{id}", Book(Epoch.MonthsAgo(3).StartIso, "2", "8"))).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await fixture.Operator.PutAsJsonAsync($"/api/price-books/{id}", Book(Epoch.MonthsAgo(3).StartIso, "2", "8"))).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await fixture.Operator.PutAsJsonAsync($"/api/price-books/{id}", Book(Epoch.MonthsAgo(3).IsoAt(15), "1", "4"))).StatusCode.ShouldBe(HttpStatusCode.OK);

        var book = await fixture.Operator.GetFromJsonAsync<JsonElement>($"/api/price-books/{id}");
        book.GetProperty("versions").GetArrayLength().ShouldBe(2);
        book.GetProperty("versions")[1].GetProperty("content").GetProperty("prices")[0].GetProperty("inputPerMillion").GetString().ShouldBe("1");
    }

    [Fact]
    public async Task an_invalid_price_book_is_a_400_naming_the_fields_and_a_currency_change_is_refused()
    {
        var id = LedgerFixture.NewTenantId("bad");
        var response = await fixture.Operator.PutAsJsonAsync($"/api/price-books/{id}", new
        {
            currency = "yuan", effectiveFrom = "June", prices = new[] { new { model = "m", inputPerMillion = "-1", cachedInputPerMillion = "x", outputPerMillion = "1" } },
        });
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateObject().Select(p => p.Name).ToList();
        errors.ShouldContain(e => e.Contains("currency", StringComparison.OrdinalIgnoreCase));
        errors.ShouldContain(e => e.Contains("effectiveFrom", StringComparison.OrdinalIgnoreCase));
        errors.ShouldContain(e => e.Contains("inputPerMillion", StringComparison.OrdinalIgnoreCase));

        (await fixture.Operator.PutAsJsonAsync($"/api/price-books/{id}", Book(Epoch.MonthsAgo(3).StartIso, "2", "8"))).EnsureSuccessStatusCode();
        var usd = await fixture.Operator.PutAsJsonAsync($"/api/price-books/{id}", new { currency = "USD", effectiveFrom = Epoch.MonthsAgo(2).UtcAt(1), prices = new[] { new { model = "m", inputPerMillion = "1", cachedInputPerMillion = "0", outputPerMillion = "1" } } });
        usd.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await usd.Content.ReadAsStringAsync()).ShouldContain("cannot change its currency");
    }

    [Fact]
    public async Task usage_is_rated_at_retail_and_wholesale_and_a_mid_month_price_change_keeps_each_events_own_price()
    {
        var retail = LedgerFixture.NewTenantId("retail");
        var wholesale = LedgerFixture.NewTenantId("whole");
        (await fixture.Operator.PutAsJsonAsync($"/api/price-books/{retail}", Book(Epoch.MonthsAgo(3).StartIso, "2", "8", aliases: new Dictionary<string, string> { ["deepseek-chat"] = "deepseek-v4-pro" }))).EnsureSuccessStatusCode();
        (await fixture.Operator.PutAsJsonAsync($"/api/price-books/{retail}", Book(Epoch.MonthsAgo(3).IsoAt(15), "1", "4", aliases: new Dictionary<string, string> { ["deepseek-chat"] = "deepseek-v4-pro" }))).EnsureSuccessStatusCode();
        (await fixture.Operator.PutAsJsonAsync($"/api/price-books/{wholesale}", Book(Epoch.MonthsAgo(3).StartIso, "1.5", "6", aliases: new Dictionary<string, string> { ["deepseek-chat"] = "deepseek-v4-pro" }))).EnsureSuccessStatusCode();
        var (tenant, distributor) = await PricedTenantAsync(retail, wholesale);

        await PostAsync(
            new UsageEventV1($"{tenant}-before", June1.AddDays(13), tenant, "deepseek-chat", 1_000_000, 0, 100_000, DistributorId: distributor),
            new UsageEventV1($"{tenant}-after", June1.AddDays(14), tenant, "deepseek-chat", 1_000_000, 0, 100_000, DistributorId: distributor));

        var report = await ReportAsync(fixture.Operator, tenant, June1, June1.AddMonths(1));
        var model = report.GetProperty("models")[0];
        // before: 1M × 2 + 0.1M × 8 = 2.8; after: 1M × 1 + 0.1M × 4 = 1.4; wholesale both: 1.5 + 0.6 = 2.1 each
        decimal.Parse(model.GetProperty("charge").GetProperty("amount").GetString()!).ShouldBe(4.2m);
        decimal.Parse(model.GetProperty("cost").GetProperty("amount").GetString()!).ShouldBe(4.2m);
        decimal.Parse(model.GetProperty("margin").GetProperty("amount").GetString()!).ShouldBe(0m);
        decimal.Parse(report.GetProperty("total").GetProperty("amount").GetString()!).ShouldBe(4.2m);
        model.GetProperty("unratedEvents").GetInt64().ShouldBe(0);

        var own = await fixture.TenantClientAsync(tenant);
        var seenByTenant = await ReportAsync(own, tenant, June1, June1.AddMonths(1));
        seenByTenant.GetProperty("models")[0].TryGetProperty("cost", out _).ShouldBeFalse();
        seenByTenant.TryGetProperty("margin", out _).ShouldBeFalse();
        decimal.Parse(seenByTenant.GetProperty("total").GetProperty("amount").GetString()!).ShouldBe(4.2m);
    }

    [Fact]
    public async Task a_distributor_key_sees_cost_and_margin_of_the_usage_it_pays_for_and_nothing_of_other_tenants()
    {
        var retail = LedgerFixture.NewTenantId("dr");
        var wholesale = LedgerFixture.NewTenantId("dw");
        (await fixture.Operator.PutAsJsonAsync($"/api/price-books/{retail}", Book(Epoch.MonthsAgo(3).StartIso, "2", "8"))).EnsureSuccessStatusCode();
        (await fixture.Operator.PutAsJsonAsync($"/api/price-books/{wholesale}", Book(Epoch.MonthsAgo(3).StartIso, "1.5", "6"))).EnsureSuccessStatusCode();
        var (tenant, distributor) = await PricedTenantAsync(retail, wholesale);
        var other = await fixture.RegisterTenantAsync(LedgerFixture.NewTenantId("other"));
        await PostAsync(
            new UsageEventV1($"{tenant}-paid", June1.AddDays(3), tenant, "deepseek-v4-pro", 1_000_000, 0, 0, DistributorId: distributor),
            new UsageEventV1($"{tenant}-house", June1.AddDays(3), tenant, "deepseek-v4-pro", 5_000_000, 0, 0));
        var client = await fixture.ClientWithNewKeyAsync("/api/keys", new { role = "distributor", distributorId = distributor });

        var report = await ReportAsync(client, tenant, June1, June1.AddMonths(1));

        var model = report.GetProperty("models")[0];
        model.GetProperty("events").GetInt64().ShouldBe(1);
        decimal.Parse(model.GetProperty("charge").GetProperty("amount").GetString()!).ShouldBe(2m);
        decimal.Parse(model.GetProperty("cost").GetProperty("amount").GetString()!).ShouldBe(1.5m);
        decimal.Parse(model.GetProperty("margin").GetProperty("amount").GetString()!).ShouldBe(0.5m);
        (await client.GetAsync($"/api/tenants/{other}/usage")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task usage_of_an_unpriced_model_is_held_unrated_and_rated_once_a_price_appears()
    {
        var retail = LedgerFixture.NewTenantId("late");
        var wholesale = LedgerFixture.NewTenantId("latew");
        (await fixture.Operator.PutAsJsonAsync($"/api/price-books/{retail}", Book(Epoch.MonthsAgo(3).StartIso, "2", "8"))).EnsureSuccessStatusCode();
        (await fixture.Operator.PutAsJsonAsync($"/api/price-books/{wholesale}", Book(Epoch.MonthsAgo(3).StartIso, "1", "4", model: "kimi-k2"))).EnsureSuccessStatusCode();
        var (tenant, distributor) = await PricedTenantAsync(retail, wholesale);
        await PostAsync(new UsageEventV1($"{tenant}-k", June1.AddDays(2), tenant, "kimi-k2", 2_000_000, 0, 0, DistributorId: distributor));

        var before = (await ReportAsync(fixture.Operator, tenant, June1, June1.AddMonths(1))).GetProperty("models")[0];
        before.GetProperty("unratedEvents").GetInt64().ShouldBe(1);
        before.TryGetProperty("margin", out _).ShouldBeFalse();
        before.GetProperty("costUnratedEvents").GetInt64().ShouldBe(0);
        var held = await fixture.Operator.GetFromJsonAsync<JsonElement>($"/api/operator/unrated?tenant={tenant}");
        var mine = held.GetProperty("groups").EnumerateArray().Single(g => g.GetProperty("tenantId").GetString() == tenant);
        mine.GetProperty("model").GetString().ShouldBe("kimi-k2");
        mine.GetProperty("side").GetString().ShouldBe("retail");
        mine.GetProperty("reason").GetString().ShouldBe($"model 'kimi-k2' has no price in price book '{retail}' version 1");

        (await fixture.Operator.PutAsJsonAsync($"/api/price-books/{retail}", Book(Epoch.MonthsAgo(3).StartIso, "3", "9", model: "kimi-k2"))).EnsureSuccessStatusCode();

        var after = await Eventually.Until(
            async () => (await ReportAsync(fixture.Operator, tenant, June1, June1.AddMonths(1))).GetProperty("models")[0],
            m => m.GetProperty("unratedEvents").GetInt64() == 0, TimeSpan.FromSeconds(30), "the late rating");
        decimal.Parse(after.GetProperty("charge").GetProperty("amount").GetString()!).ShouldBe(6m);
        decimal.Parse(after.GetProperty("margin").GetProperty("amount").GetString()!).ShouldBe(4m);
    }

    [Fact]
    public async Task a_retail_book_in_another_currency_than_the_tenant_is_refused()
    {
        var usd = LedgerFixture.NewTenantId("usd");
        (await fixture.Operator.PutAsJsonAsync($"/api/price-books/{usd}", new { currency = "USD", effectiveFrom = Epoch.MonthsAgo(3).UtcAt(1), prices = new[] { new { model = "m", inputPerMillion = "1", cachedInputPerMillion = "0", outputPerMillion = "1" } } })).EnsureSuccessStatusCode();
        var response = await fixture.Operator.PutAsJsonAsync($"/api/tenants/{LedgerFixture.NewTenantId("cny")}", new { name = "CNY tenant", retailPriceBookId = usd });
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).ShouldContain("is in USD but the tenant is billed in CNY");
    }
}

[Collection(PinnedClockCollection.Name)]
public sealed class importing_litellm_prices(PinnedClockLedgerFixture fixture)
{
    [Fact]
    public async Task the_real_litellm_file_becomes_a_usd_price_book_version_with_exact_per_million_prices_and_a_report()
    {
        var file = Path.Combine(TokenLedger.Testing.Repository.Root, "tests", "data", "litellm-model-prices.json");
        var book = LedgerFixture.NewTenantId("litellm");

        var response = await fixture.Operator.PostAsync($"/api/price-books/{book}/import/litellm?effectiveFrom={Epoch.MonthsAgo(2).UtcAt(24)}",
            new StreamContent(File.OpenRead(file)) { Headers = { ContentType = new("application/json") } });

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var report = await response.Content.ReadFromJsonAsync<JsonElement>();
        report.GetProperty("modelsMapped").GetInt32().ShouldBeGreaterThan(90);
        report.GetProperty("unmapped").GetArrayLength().ShouldBeGreaterThan(0);
        var version = (await fixture.Operator.GetFromJsonAsync<JsonElement>($"/api/price-books/{book}")).GetProperty("versions")[0].GetProperty("content");
        version.GetProperty("currency").GetString().ShouldBe("USD");
        var deepseek = version.GetProperty("prices").EnumerateArray().Single(p => p.GetProperty("model").GetString() == "deepseek/deepseek-chat");
        deepseek.GetProperty("inputPerMillion").GetString().ShouldBe("0.28");
        deepseek.GetProperty("outputPerMillion").GetString().ShouldBe("0.42");
    }

    [Fact]
    public async Task a_body_that_is_not_litellm_json_is_a_400()
    {
        var response = await fixture.Operator.PostAsync($"/api/price-books/{LedgerFixture.NewTenantId("junk")}/import/litellm",
            new StringContent("{\"not\": ", Encoding.UTF8, "application/json"));
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }
}

[Collection(LedgerCollection.Name)]
public sealed class unreadable_bodies(LedgerFixture fixture)
{
    [Fact]
    public async Task a_price_given_as_a_json_number_is_a_400_problem_that_points_at_the_field()
    {
        var response = await fixture.Operator.PutAsync($"/api/price-books/{LedgerFixture.NewTenantId("num")}", new StringContent(
            "{\"currency\":\"CNY\",\"effectiveFrom\":\"" + Epoch.MonthsAgo(3).StartIso + "\",\"prices\":[{\"model\":\"m\",\"inputPerMillion\":2}]}",
            Encoding.UTF8, "application/json"));
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await response.Content.ReadAsStringAsync()).ShouldContain("inputPerMillion");
    }
}

/// <summary>On the pinned-clock service: the re-rated month lies before the test epoch.</summary>
[Collection(PinnedClockCollection.Name)]
public sealed class re_rating_usage(PinnedClockLedgerFixture fixture)
{
    private static readonly DateTimeOffset June1 = Epoch.MonthsAgo(3).Start;

    private static object Book(string effectiveFrom, string input) => new
    {
        currency = "CNY", effectiveFrom,
        prices = new[] { new { model = "glm-4.6", inputPerMillion = input, cachedInputPerMillion = "0", outputPerMillion = "0" } },
    };

    [Fact]
    public async Task re_rating_after_a_price_correction_adds_audited_adjustments_and_never_edits_the_original_charge()
    {
        var retail = LedgerFixture.NewTenantId("rr");
        (await fixture.Operator.PutAsJsonAsync($"/api/price-books/{retail}", Book(Epoch.MonthsAgo(3).StartIso, "10"))).EnsureSuccessStatusCode();
        var tenant = LedgerFixture.NewTenantId("rrt");
        (await fixture.Operator.PutAsJsonAsync($"/api/tenants/{tenant}", new { name = "Re-rated", retailPriceBookId = retail })).EnsureSuccessStatusCode();
        var events = new[] { 1, 2 }.Select(i => new UsageEventV1($"{tenant}-{i}", June1.AddDays(i), tenant, "glm-4.6", 1_000_000, 0, 0)).ToArray();
        (await fixture.Operator.PostAsync("/api/usage", new StringContent(UsageSamples.ToJson(events), Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();

        // The price was wrong: a corrected version, effective from the same instant, is published, then the month re-rated.
        (await fixture.Operator.PutAsJsonAsync($"/api/price-books/{retail}", Book(Epoch.MonthsAgo(3).StartIso, "7.5"))).EnsureSuccessStatusCode();
        var rerate = await fixture.Operator.PostAsJsonAsync("/api/rerating",
            new { tenantId = tenant, from = Epoch.MonthsAgo(3).StartIso, to = Epoch.MonthsAgo(2).StartIso, reason = "GLM list price corrected to 7.5" });
        rerate.StatusCode.ShouldBe(HttpStatusCode.OK);
        var result = await rerate.Content.ReadFromJsonAsync<JsonElement>();
        result.GetProperty("eventsExamined").GetInt32().ShouldBe(2);
        decimal.Parse(result.GetProperty("retailDelta").GetProperty("amount").GetString()!).ShouldBe(-5m);

        var report = await fixture.Operator.GetFromJsonAsync<JsonElement>(
            $"/api/tenants/{tenant}/usage?from={Uri.EscapeDataString(Epoch.MonthsAgo(3).StartIso)}&to={Uri.EscapeDataString(Epoch.MonthsAgo(2).StartIso)}");
        decimal.Parse(report.GetProperty("total").GetProperty("amount").GetString()!).ShouldBe(15m);

        var again = await (await fixture.Operator.PostAsJsonAsync("/api/rerating",
            new { tenantId = tenant, from = Epoch.MonthsAgo(3).StartIso, to = Epoch.MonthsAgo(2).StartIso, reason = "second pass" })).Content.ReadFromJsonAsync<JsonElement>();
        again.GetProperty("adjustments").GetInt32().ShouldBe(0);
    }

    [Fact]
    public async Task re_rating_needs_a_reason_and_a_valid_interval()
    {
        var response = await fixture.Operator.PostAsJsonAsync("/api/rerating", new { tenantId = "acme", from = Epoch.MonthsAgo(2).UtcAt(1), to = Epoch.MonthsAgo(3).UtcAt(1) });
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var text = await response.Content.ReadAsStringAsync();
        text.ShouldContain("reason is required");
        text.ShouldContain("to must be later than from");
    }
}
