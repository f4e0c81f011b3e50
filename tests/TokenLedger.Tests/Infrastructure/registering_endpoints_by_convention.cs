using Shouldly;
using TokenLedger.Balances.Recording;
using TokenLedger.Infrastructure;
using TokenLedger.Receivables.RecordingPayments;
using TokenLedger.Tenants.RegisteringTenant;

namespace TokenLedger.Tests.Infrastructure;

public sealed class registering_endpoints_by_convention
{
    private static readonly IReadOnlyList<Type> Found = EndpointConventions.EndpointTypes(typeof(EndpointConventions).Assembly);

    [Fact]
    public void every_use_case_with_a_static_map_method_is_found_once_in_a_stable_order()
    {
        Found.ShouldContain(typeof(TopUp));
        Found.ShouldContain(typeof(RecordPayment));
        Found.ShouldContain(typeof(PutTenantEndpoint));
        Found.ShouldBeUnique();
        Found.Select(t => t.FullName).ShouldBe(Found.Select(t => t.FullName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void no_capability_keeps_a_hand_written_list_of_its_endpoints()
    {
        // A type that maps other types' endpoints would be found too and map them twice; none is left.
        Found.ShouldNotContain(t => t.Name.EndsWith("Configuration", StringComparison.Ordinal));
    }
}
