using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Shouldly;
using TokenLedger.IntegrationTests.Balances;
using TokenLedger.IntegrationTests.Fixtures;

namespace TokenLedger.IntegrationTests.Webhooks;

/// <summary>Issue #27 item 4: closing a period reaches the tenant's webhook as <c>invoice.issued</c>, a Standard Webhook that the standardwebhooks library verifies.</summary>
[Collection(WebhookCollection.Name)]
public sealed class issuing_an_invoice_raises_a_webhook(WebhookFixture fixture)
{
    [Fact]
    public async Task closing_last_month_delivers_invoice_issued_signed_with_the_invoices_figures_once()
    {
        var book = await AccountScenario.UnitPriceBookAsync(fixture);
        var tenant = await AccountScenario.TenantAsync(fixture, book, "whinv");
        var client = await fixture.TenantClientAsync(tenant);
        var port = WebhookReceiver.FreePort();
        var created = await client.PostAsJsonAsync("/api/webhooks", new { url = $"http://127.0.0.1:{port}/in", eventTypes = new[] { "invoice.*" } });
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var webhook = await created.Content.ReadFromJsonAsync<JsonElement>();
        var webhookId = webhook.GetProperty("id").GetString()!;
        await using var receiver = await WebhookReceiver.StartAsync(port, webhook.GetProperty("secret").GetString()!);

        // 42 input tokens at 1 CNY each in the middle of last month (Shanghai), then the period is closed.
        var lastMonth = Epoch.UtcNow.ToOffset(TimeSpan.FromHours(8)).AddHours(-1).AddMonths(-1);
        var period = lastMonth.ToString("yyyy-MM");
        await AccountScenario.PostUsageAsync(fixture, [AccountScenario.UsageOf(tenant, 42, new DateTimeOffset(lastMonth.Year, lastMonth.Month, 15, 12, 0, 0, TimeSpan.FromHours(8)))]);
        await AccountScenario.FundedAsync(fixture, tenant, 1);
        var closed = await fixture.Operator.PostAsJsonAsync($"/api/tenants/{tenant}/invoices", new { period });
        // 201, or 200 when the automatic close of last month got there first: either way the invoice was issued once.
        closed.StatusCode.ShouldBeOneOf(HttpStatusCode.Created, HttpStatusCode.OK);
        var invoice = await closed.Content.ReadFromJsonAsync<JsonElement>();
        var number = invoice.GetProperty("number").GetString()!;

        var received = await Eventually.Until(() => Task.FromResult(receiver.Received()), r => r.Count >= 1, TimeSpan.FromSeconds(30), "invoice.issued");
        var hook = received.ShouldHaveSingleItem();
        hook.Verified.ShouldBeTrue("the standardwebhooks library verifies the signature");
        hook.Signatures.ShouldBe(1);
        hook.Type.ShouldBe("invoice.issued");
        hook.Id!.ShouldStartWith("msg_");
        hook.Data.GetProperty("invoiceNumber").GetString().ShouldBe(number);
        hook.Data.GetProperty("tenantId").GetString().ShouldBe(tenant);
        hook.Data.GetProperty("period").GetString().ShouldBe(period);
        hook.Data.GetProperty("currency").GetString().ShouldBe("CNY");
        hook.Data.GetProperty("subtotal").GetDecimal().ShouldBe(invoice.GetProperty("subtotal").GetDecimal());
        hook.Data.GetProperty("total").GetDecimal().ShouldBe(invoice.GetProperty("total").GetDecimal());
        hook.Data.GetProperty("total").GetDecimal().ShouldBe(42m * 1.06m);
        hook.Data.GetProperty("amountDue").GetDecimal().ShouldBe(invoice.GetProperty("amountDue").GetDecimal());
        hook.Data.GetProperty("dueDate").GetString().ShouldBe(invoice.GetProperty("dueDate").GetString());

        // Closing again answers the same invoice and announces nothing new; the log holds one delivered delivery.
        (await fixture.Operator.PostAsJsonAsync($"/api/tenants/{tenant}/invoices", new { period })).StatusCode.ShouldBe(HttpStatusCode.OK);
        var log = await Eventually.Until(() => client.GetFromJsonAsync<JsonElement>($"/api/webhooks/{webhookId}/deliveries"),
            l => l.GetProperty("deliveries").EnumerateArray().All(d => d.GetProperty("status").GetString() == "delivered"), TimeSpan.FromSeconds(30), "the delivery log");
        var delivery = log.GetProperty("deliveries").EnumerateArray().ShouldHaveSingleItem();
        delivery.GetProperty("eventType").GetString().ShouldBe("invoice.issued");
        delivery.GetProperty("deliveryId").GetString().ShouldBe(hook.Id);
        await Task.Delay(2000);
        receiver.Received().Count.ShouldBe(1);
    }
}
