using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using NodaTime;
using TokenLedger.Invoicing;
using TokenLedger.Contracts.Usage;

namespace TokenLedger.Api.Demo;

/// <summary>Token counts one upstream provider served on one day (the statement's row before its amount).</summary>
public sealed record DemoUpstreamDay(LocalDate Day, long Input, long Cached, long Output);

/// <summary>The steps of the demo market, each through the public API (README's shapes).</summary>
public static class DemoSeeding
{
    public static async Task CatalogAsync(DemoApi api, string effectiveFrom, CancellationToken ct)
    {
        await api.PutAsync("/api/price-books/retail-cn", DemoCatalog.Book("CNY", effectiveFrom, DemoCatalog.ChineseModels, 1m), ct);
        await api.PutAsync("/api/price-books/wholesale-cn", DemoCatalog.Book("CNY", effectiveFrom, DemoCatalog.ChineseModels, 0.8m), ct);
        await api.PutAsync("/api/price-books/retail-us", DemoCatalog.Book("USD", effectiveFrom, DemoCatalog.UsModels, 1m), ct);
        await api.PutAsync("/api/price-books/wholesale-us", DemoCatalog.Book("USD", effectiveFrom, DemoCatalog.UsModels, 0.85m), ct);
        await api.PutAsync("/api/distributors/house", new { name = "House", wholesalePriceBookId = "wholesale-cn" }, ct);
        await api.PutAsync("/api/distributors/cloudmart", new { name = "CloudMart 云集市", wholesalePriceBookId = "wholesale-cn" }, ct);
        await api.PutAsync("/api/distributors/devshop", new { name = "DevShop" }, ct);
        await api.PutAsync("/api/distributors/devshop/upstream", new { parentDistributorId = "cloudmart", commissionPercent = 5.5m, effectiveFrom }, ct);
        await api.PutAsync("/api/distributors/globalrouter", new { name = "GlobalRouter", wholesalePriceBookId = "wholesale-us" }, ct);
        await api.PutAsync($"/api/plans/{DemoCatalog.CodingPlan}", DemoCatalog.Plan, ct);
    }

    public static async Task AccountsAsync(DemoApi api, string effectiveFrom, CancellationToken ct)
    {
        foreach (var t in DemoCatalog.Tenants)
        {
            await api.PutAsync($"/api/tenants/{t.Id}", new { name = t.Name, timeZone = t.Zone, currency = t.Currency, retailPriceBookId = t.RetailBook }, ct);
            await api.PutAsync($"/api/tenants/{t.Id}/invoice-terms", new { taxRatePercent = t.Currency == "CNY" ? 6 : 0, netDays = 15 }, ct);
        }
        await TopUpAsync(api, "acme", 800, ct);
        await TopUpAsync(api, "beta-labs", 300, ct);
        await TopUpAsync(api, "shenzhen-micro", 200, ct);
        await TopUpAsync(api, DemoCatalog.PlanTenant, 100, ct);
        await api.PostAsync("/api/tenants/acme/credits", new { amount = "50", currency = "CNY", expiresAt = "2030-07-01T00:00:00+08:00", priority = 1, reason = "618 promotion" }, "demo-credit-acme", ct);
        await api.PostAsync("/api/tenants/acme/packages", new
        {
            name = "10M DeepSeek output pack", sizeTokens = 10_000_000, weights = new { output = 1 }, models = new[] { "deepseek-chat" },
            pricePaid = "25", currency = "CNY", validFrom = effectiveFrom, validTo = "2030-01-01T00:00:00+08:00",
        }, "demo-package-acme", ct);
        foreach (var (tenant, limit) in new[] { ("acme", 5_000), ("lingxi", 20_000), ("nanjing-data", 5_000), ("wuhan-edu", 3_000), ("shenzhen-micro", 2_000), ("sf-devtools", 2_000) })
            await api.PutAsync($"/api/tenants/{tenant}/credit-terms", new { creditLimit = limit.ToString(CultureInfo.InvariantCulture) }, ct);
        await api.PostAsync("/api/distributors/cloudmart/deposits",
            new { provider = "deepseek", amount = 600, currency = "CNY", paidAt = NodaTime.Text.OffsetDateTimePattern.ExtendedIso.Parse(effectiveFrom).Value.ToInstant().ToString(), reference = "WIRE-DEMO-1" }, "demo-deposit-cloudmart", ct);
        await api.PutAsync("/api/distributors/cloudmart/prepayment/threshold", new { provider = "deepseek", threshold = 450, currency = "CNY" }, ct);
    }

    private static Task TopUpAsync(DemoApi api, string tenant, int amount, CancellationToken ct) =>
        api.PostAsync($"/api/tenants/{tenant}/top-ups", new { amount = amount.ToString(CultureInfo.InvariantCulture), currency = tenant == "sf-devtools" ? "USD" : "CNY", reference = $"DEMO-TOPUP-{tenant}" }, null, ct);

    /// <summary>Publishes the past months' usage (1,000 events per request) and returns what DeepSeek served CloudMart's chain per day.</summary>
    public static async Task<IReadOnlyList<DemoUpstreamDay>> HistoryAsync(DemoApi api, IReadOnlyList<YearMonth> months, CancellationToken ct)
    {
        var upstream = new SortedDictionary<LocalDate, DemoUpstreamDay>();
        var events = months.SelectMany(m => DemoCatalog.Tenants.SelectMany(t => DemoUsage.Month(t, m))).ToList();
        foreach (var e in events.Where(e => e.DistributorId is "cloudmart" or "devshop" && e.OccurredAt.ToString("yyyy-MM") == $"{months[^1]:yyyy-MM}"))
        {
            var day = LocalDate.FromDateTime(e.OccurredAt.DateTime);
            var sum = upstream.GetValueOrDefault(day) ?? new DemoUpstreamDay(day, 0, 0, 0);
            upstream[day] = sum with { Input = sum.Input + e.InputTokens, Cached = sum.Cached + e.CachedInputTokens, Output = sum.Output + e.OutputTokens };
        }
        foreach (var chunk in events.Chunk(UsageContract.MaxItemsPerMessage))
            await api.PostAsync("/api/usage", chunk, null, ct);
        return [.. upstream.Values];
    }

    /// <summary>
    /// Most invoices are paid in full a week after their issue date (or now, if that is still ahead), before they fall due;
    /// the last month of <c>lingxi</c> stays open (not yet due), and <c>nanjing-data</c> pays nothing, so its older invoice is past due.
    /// </summary>
    public static async Task PaymentsAsync(DemoApi api, IEnumerable<Invoice> invoices, YearMonth lastMonth, Instant now, CancellationToken ct)
    {
        foreach (var invoice in invoices)
        {
            var tenant = DemoCatalog.Tenants.Single(t => t.Id == invoice.TenantId);
            if (invoice.AmountDue <= 0 || !tenant.PaysInvoices || (tenant.Id == "lingxi" && invoice.Period == $"{lastMonth:yyyy-MM}")) continue;
            var zone = DateTimeZoneProviders.Tzdb[tenant.Zone];
            var onTime = invoice.IssueDate.PlusDays(7).At(new LocalTime(10, 0)).InZoneLeniently(zone).ToInstant();
            await api.PostAsync($"/api/tenants/{tenant.Id}/payments", new
            {
                amount = invoice.AmountDue.ToString(CultureInfo.InvariantCulture), currency = invoice.Currency, method = "bank-transfer",
                receivedAt = (onTime < now ? onTime : now).InZone(zone).ToDateTimeOffset(), reference = $"DEMO-PAY-{invoice.Number}", invoiceNumber = invoice.Number,
            }, null, ct);
        }
    }

    /// <summary>
    /// DeepSeek's statement to CloudMart for the last month: the tokens the demo sent and the cost the ledger computed per day,
    /// except one day billed 4 % higher and one day missing, which the reconciliation then reports.
    /// </summary>
    public static async Task StatementAsync(DemoApi api, YearMonth month, IReadOnlyList<DemoUpstreamDay> days, CancellationToken ct)
    {
        var margins = await api.GetAsync($"/api/distributors/cloudmart/margins?period={month:yyyy-MM}&groupBy=day", ct);
        var cost = margins?["groups"]?.AsArray().ToDictionary(g => (string)g!["group"]!, g => (decimal)g!["cost"]!) ?? [];
        var csv = new StringBuilder("date,model,input_tokens,cached_input_tokens,output_tokens,amount\n");
        for (var i = 0; i < days.Count; i++)
        {
            if (i == 11) continue;
            var d = days[i];
            var amount = cost.GetValueOrDefault($"{d.Day:yyyy-MM-dd}") * (i == 4 ? 1.04m : 1m);
            csv.Append(CultureInfo.InvariantCulture, $"{d.Day:yyyy-MM-dd},deepseek-chat,{d.Input},{d.Cached},{d.Output},{Math.Round(amount, 2, MidpointRounding.AwayFromZero)}\n");
        }
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(csv.ToString()));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        form.Add(file, "file", $"deepseek-{month:yyyy-MM}.csv");
        form.Add(new StringContent($"{month:yyyy-MM}"), "period");
        form.Add(new StringContent("deepseek"), "provider");
        form.Add(new StringContent("Asia/Shanghai"), "timeZone");
        form.Add(new StringContent("0.01"), "moneyTolerance");
        await api.PostFormAsync("/api/distributors/cloudmart/reconciliations", form, ct);
    }
}
