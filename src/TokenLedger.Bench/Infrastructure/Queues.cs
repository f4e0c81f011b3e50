using TokenLedger.Contracts.Usage;

namespace TokenLedger.Bench.Infrastructure;

public static class Queues
{
    public const string Usage = UsageContract.QueueName;
    public const string DeadLetter = UsageContract.DeadLetterQueueName;
    public const string PassThroughPrefix = "tokenledger.bench.passthrough";
}
