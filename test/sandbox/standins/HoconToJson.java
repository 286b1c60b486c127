// Stand-in helper for jitsi/jicofo's config loading (jicofo reads jicofo.conf with
// com.typesafe.config, the library used here): parses one HOCON file with real HOCON
// semantics (merging, path keys, includes, substitutions) and prints it as JSON.
// Sandbox test infrastructure; exit 1 with the library's message on a bad file.
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import java.io.File;

public final class HoconToJson {
    private HoconToJson() {}

    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: HoconToJson FILE");
            System.exit(2);
        }
        try {
            Config config = ConfigFactory
                .parseFile(new File(args[0]), ConfigParseOptions.defaults().setAllowMissing(false))
                .resolve();
            System.out.println(config.root().render(ConfigRenderOptions.concise()));
        } catch (ConfigException e) {
            System.err.println(e.getClass().getName() + ": " + e.getMessage());
            System.exit(1);
        }
    }
}
