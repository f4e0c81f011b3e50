using System.Net.Http.Json;
using System.Text.Json;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using TokenLedger.IntegrationTests.Fixtures;
using TokenLedger.Invoicing;
using TokenLedger.Receivables;

namespace TokenLedger.IntegrationTests.Receivables;

/// <summary>
/// Helpers for receivables tests. Invoices are given by appending the same <see cref="InvoiceIssued"/> event the period
/// close appends (its only event), so a test can choose due dates and issue instants in the past; one test pays an
/// invoice issued by a real close.
/// </summary>
public static class ReceivablesScenario
{
    public static async Task<string> TenantAsync(LedgerFixture fixture, string prefix = "ar", string? timeZone = null) =>
        await fixture.RegisterTenantAsync(LedgerFixture.NewTenantId(prefix), timeZone);

    public static async Task<InvoiceIssued> InvoiceAsync(
        LedgerFixture fixture, string tenant, string period, decimal amountDue, LocalDate dueDate, Instant? issuedAt = null, string currency = "CNY")
    {
        var store = fixture.App.Host.Services.GetRequiredService<IDocumentStore>();
        var at = issuedAt ?? fixture.Now;
        var streamKey = InvoiceStreams.For(tenant, period);
        var issued = new InvoiceIssued(streamKey, $"{tenant}-{period}", "house", tenant, period, at, at,
            new InvoiceParty("Issuer", [], null), new InvoiceParty(tenant, [], null), [], dueDate.PlusDays(-30), dueDate, currency, 0m, [],
            amountDue, 0m, amountDue, 0m, amountDue, at);
        await using var session = store.LightweightSession();
        session.Events.StartStream<Invoice>(streamKey, issued);
        await session.SaveChangesAsync();
        return issued;
    }

    public static Task<HttpResponseMessage> PayAsync(
        LedgerFixture fixture, string tenant, decimal amount, string reference, string? invoiceNumber = null, string currency = "CNY",
        DateTimeOffset? receivedAt = null, HttpClient? client = null) =>
        (client ?? fixture.Operator).PostAsJsonAsync($"/api/tenants/{tenant}/payments",
            new { amount, currency, receivedAt = receivedAt ?? fixture.Now.ToDateTimeOffset().AddMinutes(-1), method = "bank-transfer", reference, invoiceNumber });

    public static async Task<IReadOnlyDictionary<string, InvoiceStanding>> StandingAsync(LedgerFixture fixture, string tenant, Instant? asOf = null) =>
        (await fixture.App.Host.Services.GetRequiredService<ReceivablesLedger>()
            .InvoicesAsOf(asOf ?? fixture.Now, tenant)).ToDictionary(s => s.Number);

    public static async Task<IReadOnlyList<string>> EventTypesAsync(LedgerFixture fixture, string tenant)
    {
        var store = fixture.App.Host.Services.GetRequiredService<IDocumentStore>();
        await using var session = store.QuerySession();
        return (await session.Events.FetchStreamAsync(ReceivableStreams.For(tenant))).Select(e => e.EventTypeName).ToList();
    }

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response) => await response.Content.ReadFromJsonAsync<JsonElement>();
}
