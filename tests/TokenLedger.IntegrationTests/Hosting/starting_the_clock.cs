using NodaTime;
using Shouldly;
using TokenLedger.Api.Hosting;
using TokenLedger.Infrastructure;
using TokenLedger.IntegrationTests.Fixtures;

namespace TokenLedger.IntegrationTests.Hosting;

/// <summary>
/// The clocks the tests put the service on: TOKENLEDGER_CLOCK_START for the service run as a process, the running clock
/// for the services in memory, and the service's clock as the TimeProvider Marten stamps events with.
/// </summary>
public sealed class starting_the_clock
{
    [Fact]
    public void a_start_instant_starts_the_service_clock_there_and_it_runs()
    {
        var clock = ServiceClock.From(Epoch.Utc(Epoch.Start));
        var first = clock.GetCurrentInstant();
        (first - Epoch.Start).ShouldBeInRange(Duration.Zero, Duration.FromSeconds(5));
        SpinWait.SpinUntil(() => clock.GetCurrentInstant() > first, TimeSpan.FromSeconds(1)).ShouldBeTrue("the clock runs");
    }

    [Theory]
    [InlineData("yesterday")]
    [InlineData(Epoch.LongBeforeWithOffset)]
    public void a_start_that_is_not_an_instant_with_z_refuses_to_start(string start) =>
        Should.Throw<InvalidOperationException>(() => ServiceClock.From(start)).Message.ShouldContain(ServiceClock.Variable);

    [Fact]
    public void the_running_clock_moves_forward_when_told_and_never_back()
    {
        var clock = new RunningClock(Epoch.Start);
        clock.Advance(Duration.FromDays(40));
        (clock.GetCurrentInstant() - Epoch.Start).ShouldBeInRange(Duration.FromDays(40), Duration.FromDays(40) + Duration.FromSeconds(5));
        Should.Throw<ArgumentOutOfRangeException>(() => clock.Advance(Duration.FromSeconds(-1)));
    }

    [Fact]
    public void marten_reads_the_time_of_the_service_clock()
    {
        var clock = new NodaTime.Testing.FakeClock(Epoch.Start);
        var time = new ClockTimeProvider(clock);
        time.GetUtcNow().ShouldBe(Epoch.Start.ToDateTimeOffset());
        clock.Advance(Duration.FromHours(3));
        time.GetUtcNow().ShouldBe((Epoch.Start + Duration.FromHours(3)).ToDateTimeOffset());
    }
}
