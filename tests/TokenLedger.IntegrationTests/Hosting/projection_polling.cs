using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using TokenLedger.Api.Hosting;
using TokenLedger.IntegrationTests.Fixtures;

namespace TokenLedger.IntegrationTests.Hosting;

[Collection(LedgerCollection.Name)]
public sealed class projection_polling(LedgerFixture fixture)
{
    [Fact]
    public void the_daemon_polls_every_100_ms_whether_it_is_behind_or_caught_up()
    {
        var projections = fixture.App.Host.Services.GetRequiredService<StoreOptions>().Projections;
        projections.FastPollingTime.ShouldBe(TimeSpan.FromMilliseconds(100));
        projections.SlowPollingTime.ShouldBe(TimeSpan.FromMilliseconds(100));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("60000")]
    public void a_polling_interval_outside_10_ms_to_10_s_is_refused_at_start_with_the_setting_named(string milliseconds)
    {
        var error = Should.Throw<InvalidOperationException>(() => LedgerSettings.Read(Settings(milliseconds)));
        error.Message.ShouldContain("TokenLedger:Projections:PollingMilliseconds");
        error.Message.ShouldContain(milliseconds);
    }

    [Fact]
    public void the_polling_interval_is_read_from_configuration()
    {
        LedgerSettings.Read(Settings("120")).Projections.Polling.ShouldBe(TimeSpan.FromMilliseconds(120));
    }

    private static IConfiguration Settings(string pollingMilliseconds) => new ConfigurationBuilder()
        .AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["TOKENLEDGER_POSTGRES"] = "Host=127.0.0.1",
            ["TOKENLEDGER_RABBITMQ"] = "amqp://127.0.0.1",
            ["TOKENLEDGER_ADMIN_KEY"] = "tl_admin_settings_test",
            ["TokenLedger:Projections:PollingMilliseconds"] = pollingMilliseconds,
        })
        .Build();
}
