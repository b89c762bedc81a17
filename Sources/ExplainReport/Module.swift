import CCairo
import ExplainMethods
