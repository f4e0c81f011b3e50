using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Shouldly;
using TokenLedger.IntegrationTests.Fixtures;
using TokenLedger.Invoicing;
using static TokenLedger.IntegrationTests.Balances.AccountScenario;

namespace TokenLedger.IntegrationTests.Invoicing;

/// <summary>An issued invoice never changes: its PDF is rendered once, stored, and served as stored afterwards.</summary>
[Collection(PinnedClockCollection.Name)]
public sealed class reusing_rendered_pdfs(PinnedClockLedgerFixture fixture)
{
    [Fact]
    public async Task the_second_request_serves_the_stored_bytes_without_rendering_again()
    {
        var tenant = await TenantAsync(fixture, await UnitPriceBookAsync(fixture), "pdf");
        await PostUsageAsync(fixture, [UsageOf(tenant, 10, Epoch.MonthsAgo(3).At(10, 12), output: 3)]);
        await FundedAsync(fixture, tenant, 1);
        var issued = await fixture.Operator.PostAsJsonAsync($"/api/tenants/{tenant}/invoices", new { period = Epoch.MonthsAgo(3).Period });
        issued.StatusCode.ShouldBe(HttpStatusCode.Created, await issued.Content.ReadAsStringAsync());
        var number = (await issued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("number").GetString()!;
        using var counts = new PdfCounts(fixture.App);

        var first = await fixture.Operator.GetByteArrayAsync($"/api/invoices/{number}/pdf");
        (counts.Rendered, counts.Stored).ShouldBe((1L, 0L));
        var second = await fixture.Operator.GetByteArrayAsync($"/api/invoices/{number}/pdf");

        (counts.Rendered, counts.Stored).ShouldBe((1L, 1L));
        second.ShouldBe(first);
        await using var db = NpgsqlDataSource.Create(fixture.Servers.Postgres);
        await using var stored = db.CreateCommand("select count(*) from tokenledger.invoice_pdfs where invoice_id = $1");
        stored.Parameters.Add(new NpgsqlParameter { Value = number });
        (await stored.ExecuteScalarAsync()).ShouldBe(1L);
    }

    /// <summary>The instance's own invoice PDF counters (rendered, served as stored), told apart from other instances by its meter factory.</summary>
    private sealed class PdfCounts : IDisposable
    {
        private readonly MeterListener _listener = new();
        private long _rendered;
        private long _stored;

        public PdfCounts(LedgerHost host)
        {
            var factory = host.Host.Services.GetRequiredService<IMeterFactory>();
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (ReferenceEquals(instrument.Meter.Scope, factory) && instrument.Name is InvoicingMetrics.Rendered or InvoicingMetrics.Stored)
                    listener.EnableMeasurementEvents(instrument);
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
            {
                if (instrument.Name == InvoicingMetrics.Rendered) Interlocked.Add(ref _rendered, value);
                else Interlocked.Add(ref _stored, value);
            });
            _listener.Start();
        }

        public long Rendered => Interlocked.Read(ref _rendered);

        public long Stored => Interlocked.Read(ref _stored);

        public void Dispose() => _listener.Dispose();
    }
}
