using TokenLedger.HoldFloor;

// serve: the least a hold placement can do (FloorServer); load: paced placements against it, with latency and CPU.
return args.FirstOrDefault() switch
{
    "serve" => await FloorServer.RunAsync(Options.Parse(args[1..])),
    "load" => await FloorLoad.RunAsync(Options.Parse(args[1..])),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("""
        TokenLedger.HoldFloor serve --postgres CONNECTION [--urls http://127.0.0.1:5090] [--writers 3]
        TokenLedger.HoldFloor load [--base http://127.0.0.1:5090] [--mode each|group] [--rate 1000] [--seconds 20]
                                   [--connections 16] [--tenants 50] [--pid NAME=PID ...]
        """);
    return 2;
}
