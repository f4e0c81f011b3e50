using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Playwright;
using TokenLedger.IntegrationTests.Fixtures;
using TokenLedger.Testing;

namespace TokenLedger.IntegrationTests.WebConsole;

/// <summary>
/// The service as users run it (<c>dotnet TokenLedger.Api.dll</c>, a separate process listening on a loopback port) on
/// the ledger collection's database and broker, and Debian's chromium driven by Playwright (no browser download).
/// </summary>
public sealed class ConsoleBrowser : IAsyncDisposable
{
    public const string Chromium = "/usr/bin/chromium";
    private readonly Process _service;
    private readonly IPlaywright _playwright;

    private ConsoleBrowser(Process service, string baseUrl, IPlaywright playwright, IBrowser browser)
    {
        _service = service;
        BaseUrl = baseUrl;
        _playwright = playwright;
        Browser = browser;
    }

    public string BaseUrl { get; }
    public IBrowser Browser { get; }

    private static readonly SemaphoreSlim Starting = new(1, 1);
    private static ConsoleBrowser? _shared;

    /// <summary>One service process and browser for every console test of the run, stopped when the test host exits.</summary>
    public static async Task<ConsoleBrowser> SharedAsync(TestServers servers)
    {
        await Starting.WaitAsync();
        try
        {
            if (_shared is null)
            {
                _shared = await StartAsync(servers);
            }
            return _shared;
        }
        finally
        {
            Starting.Release();
        }
    }

    /// <summary>Stops the shared service and browser (the ledger fixture calls it before it drops the database).</summary>
    public static async Task StopSharedAsync()
    {
        if (Interlocked.Exchange(ref _shared, null) is { } shared) await shared.DisposeAsync();
    }

    private static async Task<ConsoleBrowser> StartAsync(TestServers servers)
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name; // bin/<configuration>/net10.0
        var dll = Path.Combine(Repository.Root, "src", "TokenLedger.Api", "bin", configuration, "net10.0", "TokenLedger.Api.dll");
        var port = FreePort();
        var info = new ProcessStartInfo("dotnet", [dll]) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetDirectoryName(dll)! };
        info.Environment["TOKENLEDGER_POSTGRES"] = servers.Postgres;
        info.Environment["TOKENLEDGER_RABBITMQ"] = servers.RabbitMq;
        info.Environment["TOKENLEDGER_ADMIN_KEY"] = LedgerHost.AdminKey;
        info.Environment["TOKENLEDGER_URLS"] = $"http://127.0.0.1:{port}";
        info.Environment["TOKENLEDGER_CLOCK_START"] = Epoch.Utc(Epoch.Now); // the process keeps the tests' time, not the wall clock's
        var service = Process.Start(info)!;
        service.OutputDataReceived += (_, _) => { };
        service.ErrorDataReceived += (_, _) => { };
        service.BeginOutputReadLine();
        service.BeginErrorReadLine();
        var baseUrl = $"http://127.0.0.1:{port}";
        using var http = new HttpClient();
        await Eventually.Until(async () =>
        {
            try { return (await http.GetAsync($"{baseUrl}/health/ready")).StatusCode; }
            catch (HttpRequestException) { return HttpStatusCode.ServiceUnavailable; }
        }, s => s == HttpStatusCode.OK, TimeSpan.FromSeconds(90), "the console's service process ready");

        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium, Headless = true, Args = ["--no-sandbox", "--disable-dev-shm-usage"],
        });
        return new ConsoleBrowser(service, baseUrl, playwright, browser);
    }

    /// <summary>A fresh page signed in with <paramref name="key"/>, in English, showing the first view of its role.</summary>
    public async Task<IPage> SignedInAsync(string key, string language = "en")
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = BaseUrl, AcceptDownloads = true, ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        // The page's Date starts at the tests' clock and runs from there, as the service's does.
        await context.Clock.InstallAsync(new ClockInstallOptions { TimeDate = Epoch.UtcNow.UtcDateTime });
        var page = await context.NewPageAsync();
        await page.AddInitScriptAsync($"sessionStorage.setItem('tl-lang', '{language}')");
        await page.GotoAsync("/console/");
        await page.FillAsync("#key", key);
        await page.ClickAsync("#signin button[type=submit]");
        await page.WaitForSelectorAsync("#nav a");
        return page;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright.Dispose();
        if (!_service.HasExited)
        {
            _service.Kill(entireProcessTree: true);
            await _service.WaitForExitAsync();
        }
        _service.Dispose();
    }
}
