using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Shouldly;
using TokenLedger.IntegrationTests.Fixtures;
using UglyToad.PdfPig;
using UglyToad.PdfPig.DocumentLayoutAnalysis.TextExtractor;
using static TokenLedger.IntegrationTests.Balances.AccountScenario;
using TokenLedger.IntegrationTests.Receivables;

namespace TokenLedger.IntegrationTests.Invoicing;

/// <summary>Credit notes on real PostgreSQL, on the pinned-clock service (15 September 2026).</summary>
[Collection(PinnedClockCollection.Name)]
public sealed class issuing_credit_notes(PinnedClockLedgerFixture fixture)
{
    private static readonly DateTimeOffset MidJune = Epoch.MonthsAgo(3).At(10, 12);

    /// <summary>A June invoice at 6 %: line 1 input 10.00 (tax 0.60), line 2 output 3.00 (tax 0.18); 13.78 due, nothing prepaid.</summary>
    private async Task<(string Tenant, JsonElement Invoice)> InvoicedAsync(string? book = null)
    {
        var tenant = await TenantAsync(fixture, book ?? await UnitPriceBookAsync(fixture), "cn");
        await PostUsageAsync(fixture, [UsageOf(tenant, 10, MidJune, output: 3)]);
        await FundedAsync(fixture, tenant, 1);
        var response = await fixture.Operator.PostAsJsonAsync($"/api/tenants/{tenant}/invoices", new { period = Epoch.MonthsAgo(3).Period });
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var invoice = await response.Content.ReadFromJsonAsync<JsonElement>();
        invoice.Dec("amountDue").ShouldBe(13.78m);
        return (tenant, invoice);
    }

    private Task<HttpResponseMessage> CreditAsync(string number, object body, HttpClient? client = null) =>
        (client ?? fixture.Operator).PostAsJsonAsync($"/api/invoices/{number}/credit-notes", body);

    [Fact]
    public async Task a_disputed_line_credited_by_finance_lowers_the_invoices_open_amount_once_and_reads_back_as_a_pdf()
    {
        var (tenant, invoice) = await InvoicedAsync();
        var number = invoice.GetProperty("number").GetString()!;
        var finance = await fixture.RoleClientAsync("finance");
        var body = new { reason = "output billed twice (ticket 4411)", lines = new[] { new { line = 2, amount = 3.00m } }, requestId = $"dispute-{tenant}" };

        var response = await CreditAsync(number, body, finance);
        var replay = await CreditAsync(number, body, finance);

        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var note = await response.Content.ReadFromJsonAsync<JsonElement>();
        var noteNumber = note.GetProperty("number").GetString()!;
        noteNumber.ShouldMatch($@"^CN-{Epoch.Today.Year}-\d{{6}}$");
        response.Headers.Location!.ToString().ShouldBe($"/api/credit-notes/{noteNumber}");
        note.GetProperty("invoiceNumber").GetString().ShouldBe(number);
        note.Dec("total").ShouldBe(3.18m);
        note.Dec("appliedToInvoice").ShouldBe(3.18m);
        replay.StatusCode.ShouldBe(HttpStatusCode.Created);
        replay.Headers.GetValues("Idempotent-Replayed").ShouldBe(["true"]);
        (await replay.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("number").GetString().ShouldBe(noteNumber);
        (await fixture.Operator.GetFromJsonAsync<JsonElement>($"/api/invoices/{number}/credit-notes")).GetArrayLength().ShouldBe(1);

        var standing = (await ReceivablesScenario.StandingAsync(fixture, tenant))[number];
        standing.Credited.ShouldBe(3.18m);
        standing.Open.ShouldBe(10.60m);
        var receivables = await fixture.Operator.GetFromJsonAsync<JsonElement>($"/api/finance/receivables?tenant={tenant}");
        receivables.GetProperty("tenants")[0].Dec("open").ShouldBe(10.60m);
        (await fixture.Operator.GetFromJsonAsync<JsonElement>($"/api/invoices/{number}")).GetRawText().ShouldBe(invoice.GetRawText());
        // Audited: the event carries the finance key that issued it (mt_events are stamped with the service's clock, here pinned).
        string At(TimeSpan offset) => Uri.EscapeDataString(fixture.UtcNow.Add(offset).ToString("yyyy-MM-ddTHH:mm:ssZ"));
        var audit = await fixture.Operator.GetFromJsonAsync<JsonElement>($"/api/audit?tenant={tenant}&since={At(TimeSpan.FromHours(-1))}&until={At(TimeSpan.FromHours(1))}");
        var issuedBy = audit.GetProperty("entries").EnumerateArray().Where(e => e.GetProperty("action").GetString() == "credit_note_issued").ShouldHaveSingleItem();
        issuedBy.GetProperty("actor").GetString().ShouldBe(note.GetProperty("actedBy").GetString());
        note.GetProperty("actedBy").GetString()!.ShouldNotStartWith("admin:");

        var mine = await fixture.TenantClientAsync(tenant);
        var pdfResponse = await mine.GetAsync($"/api/credit-notes/{noteNumber}/pdf");
        pdfResponse.StatusCode.ShouldBe(HttpStatusCode.OK);
        using var pdf = PdfDocument.Open(await pdfResponse.Content.ReadAsByteArrayAsync());
        var text = string.Concat(pdf.GetPages().Select(p => ContentOrderTextExtractor.GetText(p)));
        text.ShouldContain($"Credit note for invoice {number}");
        text.ShouldContain(noteNumber);
        text.ShouldContain("¥3.00");
        text.ShouldContain("¥0.18");
        text.ShouldContain("¥3.18");
        (await mine.GetAsync($"/api/credit-notes/{noteNumber}")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await (await fixture.TenantClientAsync(await TenantAsync(fixture, await UnitPriceBookAsync(fixture), "cnx"))).GetAsync($"/api/credit-notes/{noteNumber}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await CreditAsync(number, body with { requestId = "tenant-try" }, mine)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task more_than_the_line_still_has_uncredited_is_a_400_naming_the_line_and_records_nothing()
    {
        var (_, invoice) = await InvoicedAsync();
        var number = invoice.GetProperty("number").GetString()!;

        var tooMuch = await CreditAsync(number, new { reason = "disputed", lines = new[] { new { line = 2, amount = 3.01m } } });
        var noReason = await CreditAsync(number, new { lines = new[] { new { line = 2, amount = 1m } } });
        var unknown = await CreditAsync("TL-0000-000001", new { reason = "disputed", lines = new[] { new { line = 1, amount = 1m } } });

        tooMuch.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await tooMuch.Content.ReadAsStringAsync()).ShouldContain("still has uncredited");
        noReason.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        unknown.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await fixture.Operator.GetFromJsonAsync<JsonElement>($"/api/invoices/{number}/credit-notes")).GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task two_notes_racing_for_the_last_uncredited_amount_of_a_line_issue_one_and_refuse_the_other()
    {
        var (tenant, invoice) = await InvoicedAsync();
        var number = invoice.GetProperty("number").GetString()!;

        var answers = await Task.WhenAll(Enumerable.Range(0, 2).Select(i =>
            CreditAsync(number, new { reason = $"race {i}", lines = new[] { new { line = 1, amount = 10.00m } } })));

        answers.Select(a => a.StatusCode).Order().ShouldBe([HttpStatusCode.Created, HttpStatusCode.BadRequest]);
        var notes = await fixture.Operator.GetFromJsonAsync<JsonElement>($"/api/invoices/{number}/credit-notes");
        notes.GetArrayLength().ShouldBe(1);
        (await ReceivablesScenario.StandingAsync(fixture, tenant))[number].Open.ShouldBe(3.18m);
    }

    [Fact]
    public async Task a_price_raised_after_the_close_is_a_debit_note_owed_on_its_own_due_date()
    {
        var book = await FlatPriceBookAsync(fixture, "dn", (Model, "1000000"));
        var (tenant, invoice) = await InvoicedAsync(book);
        await PutFlatPriceBookAsync(fixture, book, (Model, "1100000"));

        var rerated = await (await fixture.Operator.PostAsJsonAsync("/api/rerating",
            new { tenantId = tenant, from = Epoch.MonthsAgo(3).StartIso, to = Epoch.MonthsAgo(2).StartIso, reason = "list price corrected upwards" })).Content.ReadFromJsonAsync<JsonElement>();

        var noteNumber = rerated.GetProperty("creditNotes").EnumerateArray().ShouldHaveSingleItem().GetString()!;
        noteNumber.ShouldStartWith($"DN-{Epoch.Today.Year}-");
        var note = await fixture.Operator.GetFromJsonAsync<JsonElement>($"/api/credit-notes/{noteNumber}");
        note.GetProperty("kind").GetString().ShouldBe("debit");
        note.Dec("subtotal").ShouldBe(1.30m);
        note.Dec("total").ShouldBe(1.38m);
        var standing = await ReceivablesScenario.StandingAsync(fixture, tenant);
        standing[noteNumber].Open.ShouldBe(1.38m);
        standing[invoice.GetProperty("number").GetString()!].Open.ShouldBe(13.78m);
        var july = await (await fixture.Operator.PostAsJsonAsync($"/api/tenants/{tenant}/invoices", new { period = Epoch.MonthsAgo(2).Period })).Content.ReadFromJsonAsync<JsonElement>();
        july.GetProperty("lines").GetArrayLength().ShouldBe(0);
    }
}
