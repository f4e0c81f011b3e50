using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace TokenLedger.Api.Demo;

/// <summary>
/// How the demo market reaches the service's own API: over TCP to the first address it listens on. The integration tests
/// replace it with the in-memory test server's handler.
/// </summary>
public sealed class DemoTransport(Func<HttpMessageHandler> handler, Func<Uri> baseAddress)
{
    public HttpClient ClientFor(string operatorKey)
    {
        var client = new HttpClient(handler(), disposeHandler: true) { BaseAddress = baseAddress(), Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", operatorKey);
        return client;
    }

    public static DemoTransport OverTcp(IServer server) => new(() => new SocketsHttpHandler(), () => ListeningAddress(server));

    private static Uri ListeningAddress(IServer server)
    {
        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "http://127.0.0.1:5080";
        return new Uri(address.Replace("://+", "://127.0.0.1").Replace("://*", "://127.0.0.1").Replace("://0.0.0.0", "://127.0.0.1"));
    }
}
