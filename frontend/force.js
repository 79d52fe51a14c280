// The force-directed layout of the neighbourhood graph view (d3-force), bundled by
// frontend/build.mjs into web/static/vendor/force.js. Without it the view places
// nodes on circles instead.
import {forceSimulation, forceLink, forceManyBody, forceCenter, forceCollide, forceX, forceY} from "d3-force";

window.DSRForce = {forceSimulation, forceLink, forceManyBody, forceCenter, forceCollide, forceX, forceY};
