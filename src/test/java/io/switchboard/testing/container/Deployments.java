package io.switchboard.testing.container;

import java.io.File;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.importer.ZipImporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/** The archive the ITs deploy: the real WAR Maven built, exactly as operators get it. */
public final class Deployments {

    private Deployments() {
    }

    public static WebArchive switchboardWar() {
        File war = new File(System.getProperty("switchboard.war", "target/switchboard.war"));
        return ShrinkWrap.create(ZipImporter.class, "switchboard.war").importFrom(war).as(WebArchive.class);
    }
}
