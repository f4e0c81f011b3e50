using JasperFx;
using TokenLedger.Api;
using TokenLedger.Api.Demo;
using TokenLedger.Api.Hosting;

var builder = WebApplication.CreateBuilder(args);
var settings = LedgerSettings.Read(builder.Configuration);

builder.Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(settings));
builder.WebHost.UseUrls(builder.Configuration["TOKENLEDGER_URLS"] ?? "http://127.0.0.1:5080");
builder.AddServiceDefaults();
builder.AddLedgerPersistence(settings);
builder.AddLedgerMessaging(settings);
builder.AddLedgerHttp(settings);
builder.AddDemoMarket(args);

var app = builder.Build();
app.MapServiceDefaults();
app.MapLedgerEndpoints(settings);
app.WriteStartupBanner(settings);

// With no command, run the service directly: JasperFx's command runner would first write its command discovery
// ("Searching '…' for commands") to the console, which only the commands (codegen, projections, db-apply, …) need.
var commandArgs = args.Where(a => a != "--demo").ToArray();
if (commandArgs.Length == 0)
{
    await app.RunAsync();
    return 0;
}
// `projections rebuild` can run for minutes: it shows each projection's progress (counts and rate) while it runs.
return RebuildProgress.Applies(commandArgs) ? await RebuildProgress.RunAsync(app, commandArgs) : await app.RunJasperFxCommands(commandArgs);

/// <summary>Exposed for the integration tests' host.</summary>
public partial class Program;
