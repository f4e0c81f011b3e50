using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NodaTime;
using NodaTime.Testing;
using Shouldly;
using TokenLedger.Parking;

namespace TokenLedger.Tests.Parking;

public sealed class deciding_with_attempts
{
    private sealed class Counter
    {
        public int Value { get; set; }
    }

    private static InputParking Parking(int attempts, IDecisionFaults? faults = null) => new(
        Options.Create(new ParkingOptions { Attempts = attempts }), new FakeClock(Instant.FromUtc(2026, 12, 7, 1, 0)),
        faults ?? new NoDecisionFaults(), NullLogger<InputParking>.Instance);

    private static Counter Copy(Counter c) => new() { Value = c.Value };

    [Fact]
    public void a_decision_that_throws_every_time_is_tried_the_configured_number_of_times_each_on_a_fresh_copy()
    {
        var account = new Counter { Value = 10 };
        var seen = new List<int>();

        var attempt = Parking(4).Decide("Funding", "acme", "input", account, Copy, c =>
        {
            seen.Add(c.Value);
            c.Value += 1;
            throw new OverflowException("Value was either too large or too small for a Decimal.");
        });

        attempt.Decided.ShouldBeFalse();
        attempt.Attempts.ShouldBe(4);
        attempt.Error.ShouldBeOfType<OverflowException>();
        seen.ShouldBe([10, 10, 10, 10]);
        account.Value.ShouldBe(10);
    }

    [Fact]
    public void a_decision_that_succeeds_on_a_later_attempt_returns_that_copy_and_its_events()
    {
        var account = new Counter { Value = 1 };
        var calls = 0;

        var attempt = Parking(5).Decide<Counter>("Funding", "acme", "input", account, Copy, c =>
        {
            c.Value = 2;
            if (++calls < 3) throw new InvalidOperationException("not yet");
            return ["decided"];
        });

        attempt.Decided.ShouldBeTrue();
        (attempt.Attempts, attempt.State.Value, account.Value).ShouldBe((3, 2, 1));
        attempt.Events.ShouldBe(["decided"]);
    }

    [Fact]
    public void a_parked_input_carries_its_reason_and_a_failed_retry_adds_its_attempts()
    {
        var parking = Parking(5);
        var e = new JasperFx.Events.Event<string>("usage") { Sequence = 42, Id = Guid.NewGuid() };

        var parked = parking.Park("Funding", "acme", e, new OverflowException("too large"), 5);
        parking.Failed(parked, new OverflowException("still too large"), 5);

        (parked.Id, parked.Status, parked.Attempts, parked.Reason, parked.ExceptionType).ShouldBe(
            ("funding-42-acme", ParkedStatus.Parked, 10, "still too large", typeof(OverflowException).FullName));
        parked.ParkedAt.ShouldBe(Instant.FromUtc(2026, 12, 7, 1, 0));
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(1, true)]
    [InlineData(20, true)]
    [InlineData(21, false)]
    public void attempts_are_1_to_20(int attempts, bool valid) =>
        (new ParkingOptions { Attempts = attempts }.Invalid() is null).ShouldBe(valid);
}
