using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Shouldly;
using TokenLedger.Contracts.Usage;
using TokenLedger.IntegrationTests.Fixtures;
using UglyToad.PdfPig;
using UglyToad.PdfPig.DocumentLayoutAnalysis.TextExtractor;
using static TokenLedger.IntegrationTests.Balances.AccountScenario;

namespace TokenLedger.IntegrationTests.Invoicing;

/// <summary>
/// On the pinned-clock service at the test epoch (<see cref="PinnedClockLedgerFixture"/>). "June" is the month three
/// months before the epoch's (June at the default epoch of 15 September 2026), "July" and "August" the two after it.
/// </summary>
[Collection(PinnedClockCollection.Name)]
public sealed class closing_periods(PinnedClockLedgerFixture fixture)
{
    private static readonly Epoch.Month May = Epoch.MonthsAgo(4), June = Epoch.MonthsAgo(3), July = Epoch.MonthsAgo(2), August = Epoch.MonthsAgo(1);
    private static readonly DateTimeOffset MidJune = June.At(10, 12);
    private static readonly DateTimeOffset LastMomentOfJune = June.LastMoment;
    private static readonly DateTimeOffset FirstMomentOfJuly = July.Start;

    /// <summary>June in Shanghai: 10 input + 3 output, then 5 input at the last millisecond; 100 input in July. 4 CNY of credits and 5 CNY in the wallet pay first.</summary>
    private async Task<(string Tenant, UsageEventV1[] June)> JuneUsageAsync(string? name = null)
    {
        var tenant = await TenantAsync(fixture, await UnitPriceBookAsync(fixture), "inv");
        if (name is not null) (await fixture.Operator.PutAsJsonAsync($"/api/tenants/{tenant}", new { name })).EnsureSuccessStatusCode();
        (await fixture.Operator.PostAsJsonAsync($"/api/tenants/{tenant}/credits", new { amount = 4, currency = "CNY", expiresAt = Epoch.FarAhead, reason = "welcome" })).EnsureSuccessStatusCode();
        (await fixture.Operator.PostAsJsonAsync($"/api/tenants/{tenant}/top-ups", new { amount = 5, currency = "CNY" })).EnsureSuccessStatusCode();
        UsageEventV1[] june = [UsageOf(tenant, 10, MidJune, output: 3), UsageOf(tenant, 5, LastMomentOfJune)];
        await PostUsageAsync(fixture, june);
        await FundedAsync(fixture, tenant, 2);
        await PostUsageAsync(fixture, [UsageOf(tenant, 100, FirstMomentOfJuly)]);
        await FundedAsync(fixture, tenant, 3);
        return (tenant, june);
    }

    private Task<HttpResponseMessage> CloseAsync(string tenant, string? period = null) =>
        fixture.Operator.PostAsJsonAsync($"/api/tenants/{tenant}/invoices", new { period = period ?? June.Period });

    private async Task<JsonElement> IssuedAsync(string tenant)
    {
        var response = await CloseAsync(tenant);
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Fact]
    public async Task closing_june_bills_rated_usage_per_model_and_class_less_credits_with_the_tenants_terms()
    {
        var (tenant, _) = await JuneUsageAsync();
        (await fixture.Operator.PutAsJsonAsync($"/api/tenants/{tenant}/invoice-terms", new { taxRatePercent = 13, netDays = 15 })).EnsureSuccessStatusCode();

        var invoice = await IssuedAsync(tenant);

        var lines = invoice.GetProperty("lines").EnumerateArray()
            .Select(l => (l.GetProperty("kind").GetString(), l.GetProperty("tokenClass").GetString(), l.GetProperty("quantity").ValueKind == JsonValueKind.Null ? (long?)null : l.GetProperty("quantity").GetInt64(), l.Dec("amount"), l.Dec("taxAmount")))
            .ToList();
        lines.ShouldBe(
        [
            ("usage", "Input", 15L, 15.00m, 1.95m),
            ("usage", "Output", 3L, 3.00m, 0.39m),
            ("credits", "", null, -4.00m, -0.52m),
        ]);
        invoice.Dec("subtotal").ShouldBe(14.00m);
        invoice.Dec("taxTotal").ShouldBe(1.82m);
        invoice.Dec("total").ShouldBe(15.82m);
        invoice.Dec("prepaidApplied").ShouldBe(5.00m);
        invoice.Dec("amountDue").ShouldBe(10.82m);
        invoice.GetProperty("lines")[0].Dec("unitPricePerMillion").ShouldBe(1_000_000m);
        invoice.GetProperty("number").GetString()!.ShouldMatch(@"^TL-\d{4}-\d{6}$");
        var issueDate = DateOnly.Parse(invoice.GetProperty("issueDate").GetString()!);
        issueDate.ShouldBe(Epoch.Today.ToDateOnly()); // the pinned clock's date in the tenant's zone
        DateOnly.Parse(invoice.GetProperty("dueDate").GetString()!).ShouldBe(issueDate.AddDays(15));
        invoice.GetProperty("number").GetString()!.ShouldStartWith($"TL-{Epoch.Today.Year}-");
        invoice.GetProperty("periodStart").GetString().ShouldBe(June.StartUtc);
        invoice.GetProperty("periodEnd").GetString().ShouldBe(July.StartUtc);
    }

    [Fact]
    public async Task closing_the_same_period_twice_returns_the_same_invoice_and_lists_it_once()
    {
        var (tenant, _) = await JuneUsageAsync();
        var first = await IssuedAsync(tenant);

        var again = await CloseAsync(tenant);

        again.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("number").GetString().ShouldBe(first.GetProperty("number").GetString());
        var list = await fixture.Operator.GetFromJsonAsync<JsonElement>($"/api/tenants/{tenant}/invoices");
        list.GetArrayLength().ShouldBe(1);
        list[0].GetProperty("invoiceId").GetString().ShouldBe(first.GetProperty("number").GetString());
    }

    [Fact]
    public async Task a_period_that_has_not_ended_in_the_tenants_zone_cannot_be_closed()
    {
        var tenant = await TenantAsync(fixture, await UnitPriceBookAsync(fixture), "inv");
        var current = Epoch.ThisMonth.Period; // the pinned clock's month

        var response = await CloseAsync(tenant, current);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).ShouldContain("has not ended yet");
        (await CloseAsync(tenant, $"{June.Year}-7")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task concurrent_closes_of_ten_tenants_get_consecutive_numbers_and_duplicates_consume_none()
    {
        var tenants = new List<string>();
        for (var i = 0; i < 10; i++) tenants.Add(await TenantAsync(fixture, await UnitPriceBookAsync(fixture), "inv"));
        await PostUsageAsync(fixture, [.. tenants.Select(t => UsageOf(t, 7, MidJune))]);
        foreach (var tenant in tenants) await FundedAsync(fixture, tenant, 1);

        var clock = Stopwatch.StartNew();
        var responses = await Task.WhenAll(tenants.Concat(tenants).Select(t => CloseAsync(t)));
        clock.Stop();

        responses.Count(r => r.StatusCode == HttpStatusCode.Created).ShouldBe(10);
        responses.Count(r => r.StatusCode == HttpStatusCode.OK).ShouldBe(10);
        var numbers = (await Task.WhenAll(responses.Select(r => r.Content.ReadFromJsonAsync<JsonElement>())))
            .Select(j => (Tenant: j.GetProperty("tenantId").GetString(), Number: j.GetProperty("number").GetString()!)).Distinct().ToList();
        numbers.Count.ShouldBe(10);
        numbers.Select(n => n.Tenant).Distinct().Count().ShouldBe(10);
        var sequence = numbers.Select(n => int.Parse(n.Number[^6..])).Order().ToList();
        sequence.ShouldBe(Enumerable.Range(sequence[0], 10));
        Console.WriteLine($"20 concurrent closes (10 tenants, each twice): {clock.ElapsedMilliseconds} ms");

        var next = await IssuedAsync(await TenantAsync(fixture, await UnitPriceBookAsync(fixture), "inv"));
        int.Parse(next.GetProperty("number").GetString()![^6..]).ShouldBe(sequence[^1] + 1);
    }

    [Fact]
    public async Task a_tenant_key_reads_only_its_own_invoices()
    {
        var (mine, _) = await JuneUsageAsync();
        var (theirs, _) = await JuneUsageAsync();
        var myNumber = (await IssuedAsync(mine)).GetProperty("number").GetString();
        var theirNumber = (await IssuedAsync(theirs)).GetProperty("number").GetString();
        var client = await fixture.TenantClientAsync(mine);

        (await client.GetAsync($"/api/invoices/{myNumber}")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await client.GetAsync($"/api/invoices/{theirNumber}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await client.GetAsync($"/api/invoices/{theirNumber}/pdf")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await client.GetAsync($"/api/invoices/{theirNumber}/lines/1/events")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await client.GetAsync($"/api/tenants/{theirs}/invoices")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await client.PostAsJsonAsync($"/api/tenants/{mine}/invoices", new { period = May.Period })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task the_pdf_shows_the_chinese_tenant_name_the_number_and_the_total()
    {
        var (tenant, _) = await JuneUsageAsync(name: "杭州深度求索科技有限公司");
        var invoice = await IssuedAsync(tenant);
        var number = invoice.GetProperty("number").GetString()!;
        var client = await fixture.TenantClientAsync(tenant);

        var response = await client.GetAsync($"/api/invoices/{number}/pdf");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/pdf");
        var bytes = await response.Content.ReadAsByteArrayAsync();
        using var pdf = PdfDocument.Open(bytes);
        var text = string.Concat(pdf.GetPages().Select(p => ContentOrderTextExtractor.GetText(p)));
        text.ShouldContain("杭州深度求索科技有限公司");
        text.ShouldContain(number);
        text.ShouldContain($"¥{invoice.Dec("total"):#,0.00}");
        (await client.GetByteArrayAsync($"/api/invoices/{number}/pdf")).ShouldBe(bytes);
    }

    [Fact]
    public async Task a_usage_lines_drill_down_lists_its_event_ids_in_order_paged()
    {
        var (tenant, june) = await JuneUsageAsync();
        var number = (await IssuedAsync(tenant)).GetProperty("number").GetString();
        var expected = june.Select(e => e.EventId).Order(StringComparer.Ordinal).ToList();

        var all = await fixture.Operator.GetFromJsonAsync<JsonElement>($"/api/invoices/{number}/lines/1/events");
        var secondPage = await fixture.Operator.GetFromJsonAsync<JsonElement>($"/api/invoices/{number}/lines/1/events?page=2&pageSize=1");
        var output = await fixture.Operator.GetFromJsonAsync<JsonElement>($"/api/invoices/{number}/lines/2/events");

        all.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("eventId").GetString()).ShouldBe(expected);
        all.GetProperty("events").EnumerateArray().Sum(e => e.GetProperty("quantity").GetInt64()).ShouldBe(15);
        all.GetProperty("totalEvents").GetInt64().ShouldBe(2);
        secondPage.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("eventId").GetString()).ShouldBe([expected[1]]);
        output.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("eventId").GetString()).ShouldBe([june[0].EventId]);
        all.GetProperty("invoicedEvents").GetInt64().ShouldBe(2);
        (await fixture.Operator.GetAsync($"/api/invoices/{number}/lines/3/events")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task usage_of_a_closed_period_that_arrives_late_leaves_the_invoice_unchanged_and_is_billed_once_on_the_next_invoice()
    {
        var (tenant, _) = await JuneUsageAsync();
        var issued = await IssuedAsync(tenant);
        var number = issued.GetProperty("number").GetString();

        await PostUsageAsync(fixture, [UsageOf(tenant, 20, MidJune)]);
        await FundedAsync(fixture, tenant, 4);
        var again = await CloseAsync(tenant);
        var stored = await fixture.Operator.GetFromJsonAsync<JsonElement>($"/api/invoices/{number}");
        var drill = await fixture.Operator.GetFromJsonAsync<JsonElement>($"/api/invoices/{number}/lines/1/events");
        var july = await fixture.Operator.PostAsJsonAsync($"/api/tenants/{tenant}/invoices", new { period = July.Period });
        var august = await fixture.Operator.PostAsJsonAsync($"/api/tenants/{tenant}/invoices", new { period = August.Period });

        again.StatusCode.ShouldBe(HttpStatusCode.OK);
        stored.GetRawText().ShouldBe(issued.GetRawText());
        stored.GetProperty("lines")[0].GetProperty("events").GetInt64().ShouldBe(2);
        drill.GetProperty("totalEvents").GetInt64().ShouldBe(2);
        var julyInvoice = await july.Content.ReadFromJsonAsync<JsonElement>();
        var late = julyInvoice.GetProperty("lines").EnumerateArray()
            .Where(l => l.GetProperty("description").GetString()!.Contains($"late usage from {June.Period}")).ToList();
        late.ShouldHaveSingleItem().GetProperty("amount").GetDecimal().ShouldBe(20m);
        var julyNumber = julyInvoice.GetProperty("number").GetString();
        (await fixture.Operator.GetFromJsonAsync<JsonElement>($"/api/invoices/{julyNumber}/lines/{late[0].GetProperty("number").GetInt32()}/events"))
            .GetProperty("events").GetArrayLength().ShouldBe(1);
        (await august.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("lines").GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task a_price_correction_after_the_close_is_exactly_one_credit_note_and_the_next_invoice_does_not_bill_it_again()
    {
        var book = await FlatPriceBookAsync(fixture, "fix", (Model, "1000000"));
        var tenant = await TenantAsync(fixture, book, "fix");
        await PostUsageAsync(fixture, [UsageOf(tenant, 10, MidJune)]);
        await FundedAsync(fixture, tenant, 1);
        var june = await IssuedAsync(tenant);
        var juneNumber = june.GetProperty("number").GetString();

        await PutFlatPriceBookAsync(fixture, book, (Model, "500000"));
        var rerate = new { tenantId = tenant, from = June.StartIso, to = July.StartIso, reason = "list price halved" };
        var first = await (await fixture.Operator.PostAsJsonAsync("/api/rerating", rerate)).Content.ReadFromJsonAsync<JsonElement>();
        var again = await (await fixture.Operator.PostAsJsonAsync("/api/rerating", rerate)).Content.ReadFromJsonAsync<JsonElement>();
        var july = await (await CloseAsync(tenant, July.Period)).Content.ReadFromJsonAsync<JsonElement>();
        var august = await (await CloseAsync(tenant, August.Period)).Content.ReadFromJsonAsync<JsonElement>();

        (await fixture.Operator.GetFromJsonAsync<JsonElement>($"/api/invoices/{juneNumber}")).GetRawText().ShouldBe(june.GetRawText());
        var noteNumber = first.GetProperty("creditNotes").EnumerateArray().ShouldHaveSingleItem().GetString();
        again.GetProperty("creditNotes").GetArrayLength().ShouldBe(0);
        var note = (await fixture.Operator.GetFromJsonAsync<JsonElement>($"/api/invoices/{juneNumber}/credit-notes")).EnumerateArray().ShouldHaveSingleItem();
        note.GetProperty("number").GetString().ShouldBe(noteNumber);
        note.GetProperty("kind").GetString().ShouldBe("credit");
        note.GetProperty("source").GetString().ShouldBe("re-rating");
        note.GetProperty("lines").EnumerateArray().ShouldHaveSingleItem().GetProperty("description").GetString()!.ShouldContain("list price halved");
        note.Dec("subtotal").ShouldBe(5m);
        july.GetProperty("lines").GetArrayLength().ShouldBe(0);
        august.GetProperty("lines").GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task a_price_correction_before_the_close_is_a_line_of_the_invoice_that_bills_the_usage_and_no_note()
    {
        var book = await FlatPriceBookAsync(fixture, "fix", (Model, "1000000"));
        var tenant = await TenantAsync(fixture, book, "fix");
        await PostUsageAsync(fixture, [UsageOf(tenant, 10, MidJune)]);
        await FundedAsync(fixture, tenant, 1);
        await PutFlatPriceBookAsync(fixture, book, (Model, "500000"));

        var rerated = await (await fixture.Operator.PostAsJsonAsync("/api/rerating",
            new { tenantId = tenant, from = June.StartIso, to = July.StartIso, reason = "list price halved" })).Content.ReadFromJsonAsync<JsonElement>();
        var june = await IssuedAsync(tenant);

        rerated.GetProperty("creditNotes").GetArrayLength().ShouldBe(0);
        var correction = june.GetProperty("lines").EnumerateArray().Single(l => l.GetProperty("kind").GetString() == "price-correction");
        correction.GetProperty("amount").GetDecimal().ShouldBe(-5m);
        (await fixture.Operator.GetFromJsonAsync<JsonElement>($"/api/invoices/{june.GetProperty("number").GetString()}/credit-notes")).GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task a_quarterly_tenant_is_closed_by_quarter_and_a_month_is_refused()
    {
        var (tenant, _) = await JuneUsageAsync();
        (await fixture.Operator.PutAsJsonAsync($"/api/tenants/{tenant}/invoice-terms", new { cadence = "quarterly" })).EnsureSuccessStatusCode();

        var month = await CloseAsync(tenant, June.Period);
        var quarter = await CloseAsync(tenant, June.Quarter);

        month.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await month.Content.ReadAsStringAsync()).ShouldContain("is billed quarterly");
        quarter.StatusCode.ShouldBe(HttpStatusCode.Created);
        var invoice = await quarter.Content.ReadFromJsonAsync<JsonElement>();
        invoice.GetProperty("period").GetString().ShouldBe(June.Quarter);
        // June's quarter in Shanghai: the June usage (10 + 3 + 5 tokens), and the July event (100) when July is in it too.
        invoice.GetProperty("lines").EnumerateArray().Where(l => l.GetProperty("kind").GetString() == "usage").Sum(l => l.GetProperty("amount").GetDecimal())
            .ShouldBe(July.InSameQuarterAs(June) ? 118m : 18m);
    }
}
