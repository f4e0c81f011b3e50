using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Shouldly;
using TokenLedger.Infrastructure;

namespace TokenLedger.Tests.Infrastructure;

/// <summary>One HTTP contract for every command a subscription decides: the decided result, or 202 with a Location to poll.</summary>
public sealed class answering_ordered_commands
{
    [Fact]
    public void a_decided_command_answers_its_decided_result()
    {
        var result = OrderedCommands.Answer("balance", state => TypedResults.Ok(state), "/api/tenants/acme/balance", "key-1");

        result.ShouldBeOfType<Ok<string>>().Value.ShouldBe("balance");
    }

    [Fact]
    public void a_command_not_decided_yet_answers_202_with_the_location_to_poll_and_its_key()
    {
        var result = OrderedCommands.Answer<string>(null, state => TypedResults.Ok(state), "/api/distributors/cloudmart/prepayment", "key-1");

        var accepted = result.ShouldBeOfType<Accepted<CommandAccepted>>();
        accepted.StatusCode.ShouldBe(StatusCodes.Status202Accepted);
        accepted.Location.ShouldBe("/api/distributors/cloudmart/prepayment");
        accepted.Value.ShouldBe(CommandAccepted.For("key-1"));
        accepted.Value!.Status.ShouldBe("accepted");
    }
}
