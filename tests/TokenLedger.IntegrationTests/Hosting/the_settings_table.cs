using Microsoft.Extensions.Configuration;
using Shouldly;
using TokenLedger.Api;
using TokenLedger.Api.Hosting;
using TokenLedger.Testing;
using TokenLedger.Usage.PruningDeadLetters;

namespace TokenLedger.IntegrationTests.Hosting;

/// <summary>The defaults and ranges README.md's "Servers and settings" table states are the service's.</summary>
public sealed class the_settings_table
{
    private static readonly string[] Readme = File.ReadAllLines(Path.Combine(Repository.Root, "README.md"));

    /// <summary>The last cell ("default") of the table row whose first cell is `<paramref name="variable"/>`.</summary>
    private static string Default(string variable)
    {
        var row = Readme.Single(l => l.StartsWith($"| `{variable}` |", StringComparison.Ordinal));
        return row.Trim('|', ' ').Split('|')[^1].Trim();
    }

    private static IConfiguration Configuration(params (string Key, string Value)[] settings) => new ConfigurationBuilder()
        .AddJsonFile(Path.Combine(Repository.Root, "src", "TokenLedger.Api", "appsettings.json"))
        .AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["TOKENLEDGER_POSTGRES"] = "Host=127.0.0.1", ["TOKENLEDGER_RABBITMQ"] = "amqp://127.0.0.1", ["TOKENLEDGER_ADMIN_KEY"] = "tl_admin_settings_table_test_key",
        })
        .AddInMemoryCollection(settings.ToDictionary(s => s.Key, s => (string?)s.Value))
        .Build();

    [Fact]
    public void the_stated_defaults_are_the_defaults()
    {
        var options = LedgerSettings.Read(Configuration());
        var deadLetters = Configuration().GetSection(DeadLetterRetentionOptions.Section).Get<DeadLetterRetentionOptions>() ?? new DeadLetterRetentionOptions();

        Default("TokenLedger__Ingest__PrefetchCount").ShouldBe(options.Ingest.PrefetchCount.ToString());
        Default("TokenLedger__Ingest__Listeners").ShouldBe(options.Ingest.Listeners.ToString());
        Default("TokenLedger__Projections__PollingMilliseconds").ShouldBe(options.Projections.PollingMilliseconds.ToString());
        Default("TokenLedger__DeadLetters__RetentionDays").ShouldBe(deadLetters.RetentionDays.ToString());
    }

    [Theory]
    [InlineData(9, false)]
    [InlineData(10, true)]
    [InlineData(10_000, true)]
    [InlineData(10_001, false)]
    public void polling_outside_10_to_10000_ms_refuses_to_start(int milliseconds, bool starts)
    {
        Readme.ShouldContain(l => l.StartsWith("| `TokenLedger__Projections__PollingMilliseconds` |") && l.Contains("10–10000, else the service refuses to start"));
        var read = () => LedgerSettings.Read(Configuration(("TokenLedger:Projections:PollingMilliseconds", milliseconds.ToString())));
        if (starts) read().Projections.PollingMilliseconds.ShouldBe(milliseconds);
        else Should.Throw<InvalidOperationException>(read);
    }
}
