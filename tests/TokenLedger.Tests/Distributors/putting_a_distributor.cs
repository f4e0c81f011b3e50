using NodaTime;
using Shouldly;
using TokenLedger.Distributors;
using TokenLedger.Distributors.RegisteringDistributor;
using Xunit;

namespace TokenLedger.Tests.Distributors;

/// <summary><see cref="PutDistributor"/>'s decider: the acting key travels into the fact as data.</summary>
public class putting_a_distributor
{
    private static readonly Instant Now = Instant.FromUtc(2026, 6, 12, 8, 0);

    [Fact]
    public void a_new_distributor_is_registered_naming_the_key_that_registered_it()
    {
        PutDistributor.Decide(null, new PutDistributor("d1", "Reseller", "wholesale-cn", "k1"), Now)
            .ShouldBe([new DistributorRegistered("d1", "Reseller", "wholesale-cn", Now, "k1")]);
    }
}
