// Test helper: parses each HOCON file named on the command line with the real typesafe-config
// library (the one jicofo uses) as jicofo parses its -Dconfig.file (parseFile, the file must exist;
// its includes resolve relative to it), resolves it, and prints one JSON line per file:
// {"ok":<resolved config as JSON>} or {"error":"<message>"}.
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigValueFactory;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

public class HoconToJson {
  public static void main(String[] args) throws Exception {
    PrintStream out = new PrintStream(System.out, true, "UTF-8");
    ConfigParseOptions opts = ConfigParseOptions.defaults().setAllowMissing(false).setSyntax(ConfigSyntax.CONF);
    for (String path : args) {
      try {
        Config c = ConfigFactory.parseFile(new File(path), opts).resolve();
        out.println("{\"ok\":" + c.root().render(ConfigRenderOptions.concise()) + "}");
      } catch (Exception e) {
        out.println("{\"error\":" + ConfigValueFactory.fromAnyRef(String.valueOf(e.getMessage())).render(ConfigRenderOptions.concise()) + "}");
      }
    }
  }
}
