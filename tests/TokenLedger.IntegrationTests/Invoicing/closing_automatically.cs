using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Shouldly;
using TokenLedger.IntegrationTests.Balances;
using TokenLedger.IntegrationTests.Fixtures;
using TokenLedger.Invoicing.ClosingPeriod;

namespace TokenLedger.IntegrationTests.Invoicing;

[Collection(LedgerCollection.Name)]
public sealed class closing_automatically(LedgerFixture fixture)
{
    [Fact]
    public async Task the_previous_month_is_closed_once_without_a_request_and_tenants_with_nothing_to_bill_are_skipped()
    {
        var book = await AccountScenario.UnitPriceBookAsync(fixture);
        var busy = await AccountScenario.TenantAsync(fixture, book, "auto");
        var idle = await AccountScenario.TenantAsync(fixture, book, "idle");
        var lastMonth = Epoch.UtcNow.ToOffset(TimeSpan.FromHours(8)).AddHours(-1).AddMonths(-1);
        var period = lastMonth.ToString("yyyy-MM");
        await AccountScenario.PostUsageAsync(fixture, [AccountScenario.UsageOf(busy, 42, new DateTimeOffset(lastMonth.Year, lastMonth.Month, 15, 12, 0, 0, TimeSpan.FromHours(8)))]);
        await AccountScenario.FundedAsync(fixture, busy, 1);
        var closer = fixture.App.Host.Services.GetServices<IHostedService>().OfType<AutomaticClose>().Single();

        await closer.RunOnceAsync(CancellationToken.None);
        var again = await closer.RunOnceAsync(CancellationToken.None);

        again.ShouldBe(0);
        var invoices = await fixture.Operator.GetFromJsonAsync<JsonElement>($"/api/tenants/{busy}/invoices");
        invoices.EnumerateArray().Where(i => i.GetProperty("period").GetString() == period).ShouldHaveSingleItem().GetProperty("total").GetDecimal().ShouldBe(42m * 1.06m);
        (await fixture.Operator.GetFromJsonAsync<JsonElement>($"/api/tenants/{idle}/invoices")).GetArrayLength().ShouldBe(0);
    }
}
