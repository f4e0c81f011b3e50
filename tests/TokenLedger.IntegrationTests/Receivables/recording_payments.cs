using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using NodaTime;
using Shouldly;
using TokenLedger.IntegrationTests.Balances;
using TokenLedger.IntegrationTests.Fixtures;
using static TokenLedger.IntegrationTests.Receivables.ReceivablesScenario;

namespace TokenLedger.IntegrationTests.Receivables;

/// <summary>On the pinned-clock service (<see cref="PinnedClockLedgerFixture"/>): its dates are relative to the test epoch.</summary>
[Collection(PinnedClockCollection.Name)]
public sealed class recording_payments(PinnedClockLedgerFixture fixture)
{
    private static readonly LocalDate July1 = Epoch.MonthsAgo(2).Date(1);

    [Fact]
    public async Task a_payment_pays_the_oldest_invoices_first_and_leaves_the_third_partly_open()
    {
        var tenant = await TenantAsync(fixture);
        var june = await InvoiceAsync(fixture, tenant, Epoch.MonthsAgo(3).Period, 100m, July1);
        var july = await InvoiceAsync(fixture, tenant, Epoch.MonthsAgo(2).Period, 200m, July1.PlusMonths(1));
        var august = await InvoiceAsync(fixture, tenant, Epoch.MonthsAgo(1).Period, 300m, July1.PlusMonths(2));

        var response = await PayAsync(fixture, tenant, 350m, "BANK-001");

        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var payment = await response.JsonAsync();
        payment.GetProperty("allocations").EnumerateArray().Select(a => (a.GetProperty("invoiceNumber").GetString(), a.GetProperty("amount").GetDecimal()))
            .ShouldBe([(june.Number, 100m), (july.Number, 200m), (august.Number, 50m)]);
        payment.GetProperty("toWalletCredit").GetDecimal().ShouldBe(0m);
        var standing = await StandingAsync(fixture, tenant);
        standing.Values.Select(s => (s.Number, s.Paid, s.Open)).ShouldBe([(june.Number, 100m, 0m), (july.Number, 200m, 0m), (august.Number, 50m, 250m)]);
    }

    [Fact]
    public async Task a_payment_naming_an_invoice_pays_it_before_older_ones()
    {
        var tenant = await TenantAsync(fixture);
        var june = await InvoiceAsync(fixture, tenant, Epoch.MonthsAgo(3).Period, 100m, July1);
        var july = await InvoiceAsync(fixture, tenant, Epoch.MonthsAgo(2).Period, 200m, July1.PlusMonths(1));

        (await PayAsync(fixture, tenant, 250m, "BANK-NAMED", july.Number)).StatusCode.ShouldBe(HttpStatusCode.Created);

        var standing = await StandingAsync(fixture, tenant);
        standing[july.Number].Open.ShouldBe(0m);
        standing[june.Number].Open.ShouldBe(50m);
    }

    [Fact]
    public async Task the_same_reference_is_applied_once_even_when_posted_concurrently()
    {
        var tenant = await TenantAsync(fixture);
        var invoice = await InvoiceAsync(fixture, tenant, Epoch.MonthsAgo(3).Period, 100m, July1);

        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => PayAsync(fixture, tenant, 60m, "DUP-REF-1")));
        var again = await PayAsync(fixture, tenant, 60m, "DUP-REF-1");

        responses.Count(r => r.StatusCode == HttpStatusCode.Created).ShouldBe(1);
        responses.Count(r => r.StatusCode == HttpStatusCode.OK).ShouldBe(5);
        again.StatusCode.ShouldBe(HttpStatusCode.OK);
        var ids = await Task.WhenAll(responses.Append(again).Select(async r => (await r.JsonAsync()).GetProperty("paymentId").GetString()));
        ids.Distinct().ShouldHaveSingleItem();
        (await EventTypesAsync(fixture, tenant)).Count(t => t == "payment_received").ShouldBe(1);
        (await StandingAsync(fixture, tenant))[invoice.Number].Open.ShouldBe(40m);
    }

    [Fact]
    public async Task an_overpayment_becomes_wallet_credit_shown_in_the_balance()
    {
        var tenant = await TenantAsync(fixture);
        var invoice = await InvoiceAsync(fixture, tenant, Epoch.MonthsAgo(3).Period, 100m, July1);

        var payment = await (await PayAsync(fixture, tenant, 150m, "OVER-1")).JsonAsync();
        await PayAsync(fixture, tenant, 150m, "OVER-1");

        payment.GetProperty("toWalletCredit").GetDecimal().ShouldBe(50m);
        (await StandingAsync(fixture, tenant))[invoice.Number].Open.ShouldBe(0m);
        var balance = await Eventually.Until(() => AccountScenario.BalanceAsync(fixture, tenant), b => b.Dec("wallet") != 0m, what: "wallet credit");
        balance.Dec("wallet").ShouldBe(50m);
    }

    [Fact]
    public async Task a_write_off_is_recorded_with_reason_and_approver_and_closes_the_invoice()
    {
        var tenant = await TenantAsync(fixture);
        var invoice = await InvoiceAsync(fixture, tenant, Epoch.MonthsAgo(3).Period, 100m, July1);
        await PayAsync(fixture, tenant, 30m, "PART-1");
        var issued = await (await fixture.Operator.PostAsJsonAsync("/api/keys", new { role = "finance" })).JsonAsync();
        var finance = fixture.App.Client(issued.GetProperty("key").GetString());

        var tooMuch = await finance.PostAsJsonAsync($"/api/tenants/{tenant}/write-offs", new { invoiceNumber = invoice.Number, amount = 70.01m, reason = "insolvent" });
        var response = await finance.PostAsJsonAsync($"/api/tenants/{tenant}/write-offs", new { invoiceNumber = invoice.Number, amount = 70m, reason = "insolvent" });

        tooMuch.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await tooMuch.Content.ReadAsStringAsync()).ShouldContain("more than the 70");
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var writeOff = await response.JsonAsync();
        writeOff.GetProperty("reason").GetString().ShouldBe("insolvent");
        writeOff.GetProperty("approvedBy").GetString().ShouldBe(issued.GetProperty("keyId").GetString());
        var standing = (await StandingAsync(fixture, tenant))[invoice.Number];
        (standing.Paid, standing.WrittenOff, standing.Open).ShouldBe((30m, 70m, 0m));
        var tenantKey = await fixture.TenantClientAsync(tenant);
        (await tenantKey.PostAsJsonAsync($"/api/tenants/{tenant}/write-offs", new { invoiceNumber = invoice.Number, amount = 1m, reason = "x" }))
            .StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Theory]
    [InlineData(10, "USD", null, "currency", "billed in CNY")]
    [InlineData(0, "CNY", null, "amount", "greater than 0")]
    [InlineData(-5, "CNY", null, "amount", "greater than 0")]
    [InlineData(10, "CNY", "NO-SUCH-INVOICE", "invoiceNumber", "no invoice NO-SUCH-INVOICE")]
    public async Task bad_payments_are_refused_with_the_reason(decimal amount, string currency, string? invoice, string field, string reason)
    {
        var tenant = await TenantAsync(fixture);

        var response = await PayAsync(fixture, tenant, amount, "BAD-1", invoice, currency);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var errors = (await response.JsonAsync()).GetProperty("errors");
        errors.EnumerateObject().Single(e => e.Name.Equals(field, StringComparison.OrdinalIgnoreCase)).Value[0].GetString()!.ShouldContain(reason);
        (await EventTypesAsync(fixture, tenant)).ShouldBeEmpty();
    }

    [Fact]
    public async Task an_invoice_issued_by_a_real_close_is_paid_off()
    {
        var tenant = await AccountScenario.TenantAsync(fixture, await AccountScenario.UnitPriceBookAsync(fixture), "arclose");
        await AccountScenario.PostUsageAsync(fixture, [AccountScenario.UsageOf(tenant, 100, Epoch.MonthsAgo(3).At(10, 12))]);
        await AccountScenario.FundedAsync(fixture, tenant, 1);
        var invoice = await (await fixture.Operator.PostAsJsonAsync($"/api/tenants/{tenant}/invoices", new { period = Epoch.MonthsAgo(3).Period })).JsonAsync();
        var number = invoice.GetProperty("number").GetString()!;
        var due = invoice.GetProperty("amountDue").GetDecimal();

        (await PayAsync(fixture, tenant, due, "CLOSE-PAY", number)).StatusCode.ShouldBe(HttpStatusCode.Created);

        var standing = (await StandingAsync(fixture, tenant))[number];
        (standing.TotalDue, standing.Paid, standing.Open).ShouldBe((due, due, 0m));
    }
}
