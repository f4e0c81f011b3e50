using System.Diagnostics;
using Microsoft.Playwright;
using TokenLedger.Bench.Infrastructure;

namespace TokenLedger.Bench.Phases;

/// <summary>
/// The web console over the seeded finance data, in Debian's headless chromium: for each view, the time from navigation
/// to its data painted (the view's first table or chart visible; for the operator view, both the dead-letter count and
/// the first page of unrated usage), measured <see cref="Rounds"/> times after one warm-up.
/// </summary>
public static class ConsolePaint
{
    public const int Rounds = 10;
    public const string Chromium = "/usr/bin/chromium";

    public static async Task<IReadOnlyList<FinanceViewTiming>> RunAsync(string apiUrl, string adminKey, string tenantId, CancellationToken ct)
    {
        if (!File.Exists(Chromium))
        {
            Live.Note($"console paint skipped: {Chromium} is not installed (ops/test installs it)");
            return [];
        }
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium, Headless = true, Args = ["--no-sandbox", "--disable-dev-shm-usage"] });
        (string View, string Fragment, string[] Painted, string? Settled)[] views =
        [
            ("console: finance view (10,000 tenants)", "#/finance", ["[data-testid=aging-chart] rect"], "[data-testid=dunning]"),
            ("console: tenant view", $"#/tenant/{tenantId}", ["[data-testid=invoices] table"], null),
            ("console: operator view", "#/operator", ["[data-testid=dead-letter-total]", "[data-testid=unrated-total]"], "[data-testid=ingested]"),
        ];
        var timings = new List<FinanceViewTiming>();
        foreach (var (view, fragment, painted, settled) in views)
        {
            var ms = new List<double>();
            for (var i = 0; i <= Rounds; i++)
            {
                await using var context = await browser.NewContextAsync(new() { BaseURL = apiUrl });
                var page = await context.NewPageAsync();
                await page.AddInitScriptAsync($"sessionStorage.setItem('tl-key', '{adminKey}'); sessionStorage.setItem('tl-lang', 'en');");
                var started = Stopwatch.GetTimestamp();
                await page.GotoAsync($"/console/{fragment}");
                foreach (var selector in painted) await page.Locator(selector).First.WaitForAsync(new() { Timeout = 30_000 });
                if (i > 0) ms.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                // Let the view's later reads (risk and dunning after the aging) finish, so the next round does not
                // share the 2 cores with this round's leftovers.
                if (settled is not null) await page.Locator(settled).First.WaitForAsync(new() { Timeout = 30_000 });
            }
            Live.Note($"{view}: rounds in order (ms): {string.Join(", ", ms.Select(m => m.ToString("N0")))}");
            ms.Sort();
            timings.Add(new FinanceViewTiming(view, ms.Count, ms, 0));
            Live.Note($"{view}: data painted p50 {Percentiles.Of(ms, ms.Count, 50):N0} ms, max {ms[^1]:N0} ms");
        }
        return timings;
    }
}
